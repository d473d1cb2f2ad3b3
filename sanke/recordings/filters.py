"""The recordings library's filters: by school, alliance, subject, grade and date; search by title and
teacher (the lesson's host teacher, or whoever uploaded a library video)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from sanke.alliances.models import Alliance
from sanke.core.filters import SearchFilterSet
from sanke.core.params import search_text
from sanke.org.choices import GradeNumber
from sanke.org.models import School
from sanke.recordings.models import Recording
from sanke.timetable.models import SyncSeries

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class RecordingFilter(SearchFilterSet):
    """A lesson's recording is found by its lesson (series subject, alliance, receiving grade, lesson
    date); a library video by its school, title and upload date."""

    school = django_filters.ModelChoiceFilter(label=_("School"), queryset=School.objects.none())
    alliance = django_filters.ModelChoiceFilter(
        label=_("Alliance"), queryset=Alliance.objects.none(), field_name="lesson__series__alliance"
    )
    subject = django_filters.CharFilter(label=_("Subject"), method="of_subject", max_length=32)
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=GradeNumber.choices, method="of_grade")
    since = django_filters.DateFilter(label=_("From"), method="since_date", widget=DATE_WIDGET)
    until = django_filters.DateFilter(label=_("To"), method="until_date", widget=DATE_WIDGET)

    class Meta:
        model = Recording
        fields = ["school", "alliance"]

    def search(self, queryset, name, value):
        text = search_text(value)
        return queryset.filter(
            Q(title__icontains=text)
            | Q(lesson__series__host_teacher__name__icontains=text)
            | Q(lesson__isnull=True, uploaded_by__display_name__icontains=text)
        )

    def of_subject(self, queryset, name, value):
        return queryset.filter(lesson__series__subject=search_text(value, 32))

    def of_grade(self, queryset, name, value):
        # a series may reach several classes: Exists keeps one row per recording, no DISTINCT
        reached = SyncSeries.receiving_classes.through.objects.filter(
            syncseries_id=OuterRef("lesson__series_id"), classgroup__grade__number=value
        )
        return queryset.filter(Exists(reached))

    def since_date(self, queryset, name, value):
        return queryset.filter(
            Q(lesson__date__gte=value) | Q(lesson__isnull=True, created_at__date__gte=value)
        )

    def until_date(self, queryset, name, value):
        return queryset.filter(
            Q(lesson__date__lte=value) | Q(lesson__isnull=True, created_at__date__lte=value)
        )
