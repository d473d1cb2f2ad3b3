from django import forms
from django.utils.translation import gettext_lazy as _


class ChapterForm(forms.Form):
    """A teacher's marker: a moment (minutes:seconds or seconds) and a short title."""

    at = forms.CharField(label=_("At (mm:ss)"), max_length=12)
    title = forms.CharField(label=_("Title"), max_length=100)

    def clean_at(self) -> float:
        text = self.cleaned_data["at"].strip()
        try:
            parts = [float(p) for p in text.split(":")]
        except ValueError:
            raise forms.ValidationError(_("Write the moment as minutes:seconds, e.g. 12:30.")) from None
        if not parts or len(parts) > 3 or any(p < 0 for p in parts):
            raise forms.ValidationError(_("Write the moment as minutes:seconds, e.g. 12:30."))
        seconds = 0.0
        for part in parts:
            seconds = seconds * 60 + part
        return seconds
