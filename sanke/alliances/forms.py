from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanke.accounts.models import User
from sanke.alliances.models import Alliance
from sanke.core.scoping import CHANGE
from sanke.org.choices import PersonKind
from sanke.org.models import ClassGroup, Region, School
from sanke.timetable.models import SyncSeries
from sanke.timetable.scheduling.solver import Weights


class AllianceForm(forms.ModelForm):
    receiving_schools = forms.ModelMultipleChoiceField(
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user, CHANGE)
        schools = School.objects.visible_to(user).select_related("region")
        self.fields["host_school"].queryset = schools
        self.fields["receiving_schools"].queryset = schools
        # accounts this admin looks after (and their own): a coordinator defines and schedules the series
        self.fields["coordinator"].queryset = User.objects.visible_to(user).order_by("username")
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


class SeriesForm(forms.ModelForm):
    class Meta:
        model = SyncSeries
        fields = [
            "subject",
            "host_teacher",
            "host_classroom",
            "receiving_classes",
            "lessons_per_week",
            "minutes",
            "mode",
            "core_subject",
            "allow_same_day",
        ]
        widgets = {"receiving_classes": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.alliance = alliance
        host = alliance.host_school
        self.fields["host_teacher"].queryset = host.people.filter(kind=PersonKind.TEACHER)
        self.fields["host_classroom"].queryset = host.classrooms.all()
        self.fields["host_classroom"].help_text = _("A classroom that can host lessons (录播/主讲教室).")
        self.fields["receiving_classes"].queryset = ClassGroup.objects.filter(
            school__in=alliance.receiving_schools()
        ).select_related("school", "grade")
        self.fields["receiving_classes"].label_from_instance = lambda c: f"{c.school.name} {c}"


class ScheduleForm(forms.Form):
    """The soft-constraint weights, visible and editable for each run."""

    allow_moving = forms.BooleanField(
        label=_("May move existing lessons"),
        required=False,
        help_text=_(
            "Off: only periods that are free for everyone are used. On: occupied periods may be used at "
            "the cost below (the school then moves that lesson)."
        ),
    )
    move_existing = forms.IntegerField(
        label=_("Cost of moving an existing lesson"),
        min_value=0,
        max_value=1000,
        initial=Weights.move_existing,
    )
    consecutive_days = forms.IntegerField(
        label=_("Cost of lessons on consecutive days"),
        min_value=0,
        max_value=1000,
        initial=Weights.consecutive_days,
    )
    afternoon_core = forms.IntegerField(
        label=_("Cost of a core subject in the afternoon"),
        min_value=0,
        max_value=1000,
        initial=Weights.afternoon_core,
    )

    def weights(self) -> Weights:
        data = self.cleaned_data
        return Weights(
            move_existing=data["move_existing"],
            consecutive_days=data["consecutive_days"],
            afternoon_core=data["afternoon_core"],
        )
