from django import forms

from sanke.policy.models import POLICY_FIELDS, Policy


class PolicyForm(forms.ModelForm):
    """Every target is optional: empty means "inherit from the parent region"."""

    class Meta:
        model = Policy
        fields = list(POLICY_FIELDS)

    def __init__(self, *args, effective=None, **kwargs):
        super().__init__(*args, **kwargs)
        if effective is not None:
            for name in POLICY_FIELDS:
                inherited = effective.values[name]
                self.fields[name].widget.attrs["placeholder"] = f"{inherited.value} · {inherited.source}"
