"""List filters shared by the pages and the API (django-filter)."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanke.core.crypto import digest
from sanke.core.filters import SearchFilterSet as BaseSearchFilterSet
from sanke.core.params import search_text
from sanke.core.text import normalize_text
from sanke.org.choices import GradeNumber
from sanke.org.models import ClassGroup, Classroom, Person, Region, School


class SearchFilterSet(BaseSearchFilterSet):
    """The shared list filter, with the labels of org's choice lists read in the same query."""

    choice_relations = {"org.ClassGroup": ("grade",), "org.Classroom": ("school",)}


class RegionFilter(SearchFilterSet):
    search_fields = ("name", "code")

    class Meta:
        model = Region
        fields = ["level"]


class SchoolFilter(SearchFilterSet):
    search_fields = ("name", "code")
    region = django_filters.CharFilter(label=_("Division code"), method="in_region")
    # the teaching points of one central school (the "show all" link of a school page), not a visible filter
    central_school = django_filters.ModelChoiceFilter(
        label=_("Central school"), queryset=School.objects.none(), widget=forms.HiddenInput
    )

    class Meta:
        model = School
        fields = ["kind"]

    def in_region(self, queryset, name, value):
        """Schools whose division code starts with ``value``; anything but a code prefix finds none (a
        refused 400 would contradict the API schema, which can only say "a string")."""
        code = value.strip()
        if not (code.isascii() and code.isdigit() and len(code) <= 12):
            return queryset.none()
        return queryset.filter(region__code__startswith=code)


class ClassGroupFilter(SearchFilterSet):
    search_fields = ("name", "school__name")
    # declared: across the relation django-filter would join two verbose names into "年级 年级"
    grade__number = django_filters.ChoiceFilter(label=_("Grade"), choices=GradeNumber.choices)

    class Meta:
        model = ClassGroup
        fields = ["school", "grade__number"]


class ClassroomFilter(SearchFilterSet):
    search_fields = ("name", "school__name", "location")

    class Meta:
        model = Classroom
        fields = ["school", "host_capable", "receiver_capable", "recording_capable"]


NATIONAL_ID_TYPED = re.compile(r"^[0-9]{17}[0-9X]$")
MOBILE_TYPED = re.compile(r"^1[3-9][0-9]{9}$")


class PersonFilter(SearchFilterSet):
    """People by any part of their name, the start of their number, or exactly by ID card or mobile number.

    ID card and mobile numbers are encrypted: they are found through their keyed digest (an indexed
    column), never by decrypting every row. A name matches anywhere in it, as clerks search Chinese names
    by the given name (芳 finds 王芳): a scan of one plain column, tens of milliseconds for a county's
    people; numbers match from their start, which an index serves."""

    search_fields = ("name", "number")
    choices_within = {"class_group": "school"}

    def search(self, queryset, name, value):
        text = search_text(value)
        typed = normalize_text(text).replace(" ", "").upper()
        if NATIONAL_ID_TYPED.match(typed):
            return queryset.filter(national_id_digest=digest(typed))
        if MOBILE_TYPED.match(typed):
            return queryset.filter(phone_digest=digest(typed))
        return queryset.filter(Q(name__icontains=text) | Q(number__startswith=normalize_text(text)))

    class Meta:
        model = Person
        fields = ["kind", "school", "class_group"]
