from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanke.accounts.choices import STAFF_ROLES
from sanke.accounts.models import User
from sanke.alliances.models import Alliance
from sanke.core.params import PlausibleDateField, SafeModelMultipleChoiceField
from sanke.core.scoping import CHANGE
from sanke.org.models import Region, School


class AllianceForm(forms.ModelForm):
    receiving_schools = SafeModelMultipleChoiceField(
        label=_("Receiving schools and teaching points"),
        queryset=School.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("One school makes a 1+1 alliance, several a 1+N alliance."),
    )

    class Meta:
        model = Alliance
        fields = [
            "name",
            "kind",
            "region",
            "host_school",
            "term_name",
            "term_start",
            "term_end",
            "coordinator",
            "is_active",
        ]
        widgets = {
            "term_start": forms.DateInput(attrs={"type": "date"}),
            "term_end": forms.DateInput(attrs={"type": "date"}),
        }
        field_classes = {"term_start": PlausibleDateField, "term_end": PlausibleDateField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user, CHANGE)
        schools = School.objects.visible_to(user).select_related("region")
        self.fields["host_school"].queryset = schools
        self.fields["receiving_schools"].queryset = schools
        # accounts this admin looks after (and their own): a coordinator defines and schedules the series
        # only active staff: students, guardians and classroom terminals cannot run an alliance's timetable
        self.fields["coordinator"].queryset = (
            User.objects.visible_to(user)
            .filter(is_active=True, role_assignments__role__in=STAFF_ROLES)
            .distinct()
            .order_by("username")
        )
        self.fields["coordinator"].error_messages["invalid_choice"] = _(
            "The coordinator must be an active staff account (an administrator, teacher, researcher or "
            "inspector) that you look after."
        )
        self.fields["coordinator"].help_text = _(
            "Usually someone at the host school; may define series, schedule and accept them."
        )
        if self.instance.pk:
            self.initial["receiving_schools"] = list(self.instance.receiving_schools())

    def clean(self):
        data = super().clean()
        host, receivers = data.get("host_school"), data.get("receiving_schools") or []
        if host is not None and host in receivers:
            self.add_error("receiving_schools", _("The host school cannot also be a receiving school."))
        return data
