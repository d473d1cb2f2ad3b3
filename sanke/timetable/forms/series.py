"""Forms of the series and scheduling pages: a sync-course series, and the co-scheduler's weights."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanke.alliances.models import Alliance
from sanke.core.params import SafeModelMultipleChoiceField
from sanke.org.choices import PersonKind
from sanke.org.models import ClassGroup
from sanke.timetable.models import HOST_CLASSROOM_NOT_CAPABLE, SyncSeries
from sanke.timetable.scheduling.solver import Weights


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
        field_classes = {"receiving_classes": SafeModelMultipleChoiceField}

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.alliance = alliance
        host = alliance.host_school
        self.fields["host_teacher"].queryset = host.people.filter(kind=PersonKind.TEACHER)
        self.fields["host_classroom"].queryset = host.classrooms.filter(host_capable=True)
        self.fields["host_classroom"].error_messages["invalid_choice"] = HOST_CLASSROOM_NOT_CAPABLE
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
