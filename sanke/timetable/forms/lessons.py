"""Forms of the lesson pages: the day lookup's filters, moving and cancelling one lesson."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanke.core.params import PlausibleDateField
from sanke.org.models import School
from sanke.timetable import selectors
from sanke.timetable.choices import LessonStatus
from sanke.timetable.models import Lesson, Period


class DayFilterForm(forms.Form):
    date = PlausibleDateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    school = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=School.objects.none(), required=False
    )
    subject = forms.ChoiceField(label=gettext_lazy("Subject"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *LessonStatus.choices],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # only schools that take part in an alliance the user can see: never all rows of the table
        self.fields["school"].queryset = (
            School.objects.visible_to(user)
            .filter(Q(hosted_alliances__isnull=False) | Q(alliance_memberships__isnull=False))
            .distinct()
            .order_by("region__code", "code")
        )
        self.fields["school"].empty_label = _("All schools")
        self.fields["subject"].choices = [
            ("", _("All")),
            *((s, s) for s in selectors.subjects_visible_to(user)),
        ]


class MoveLessonForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("New date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    host_period = forms.ModelChoiceField(
        label=gettext_lazy("Host school period"), queryset=Period.objects.none(), required=False
    )
    start = forms.TimeField(
        label=gettext_lazy("Or an agreed start time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy(
            "A time the schools arranged, in or out of their periods; it must be free for everyone."
        ),
    )

    def __init__(self, *args, lesson: Lesson, **kwargs):
        kwargs.setdefault("initial", {"date": lesson.date, "host_period": lesson.host_period_id})
        super().__init__(*args, **kwargs)
        self.fields["host_period"].queryset = Period.objects.filter(
            school_id=lesson.series.host_classroom.school_id
        ).order_by("number")
        self.fields["host_period"].label_from_instance = period_label

    def clean(self):
        data = super().clean()
        if data.get("host_period") is None and data.get("start") is None and not self.errors:
            raise forms.ValidationError(_("Choose a period of the host school or an agreed start time."))
        return data

    def target(self) -> dict:
        """The keyword arguments of the move: an agreed start time wins over the period."""
        start = self.cleaned_data.get("start")
        if start is not None:
            return {"host_period": None, "start_minute": start.hour * 60 + start.minute}
        return {"host_period": self.cleaned_data["host_period"], "start_minute": None}


class MoveRequestForm(MoveLessonForm):
    """The host teacher's request: where to, and why (the school reads it before confirming)."""

    note = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)


def period_label(period: Period) -> str:
    return f"{_('Period %(number)s') % {'number': period.number}} {period.start:%H:%M}–{period.end:%H:%M}"


class CancelLessonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. school sports day")}),
    )
