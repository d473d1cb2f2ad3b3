"""List filters shared by the pages and the API (django-filter)."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanke.core.crypto import digest
from sanke.core.params import SEARCH_LENGTH, search_text
from sanke.core.text import normalize_text
from sanke.org.choices import GradeNumber
from sanke.org.models import ClassGroup, Classroom, Person, Region, School

CHOICE_LABEL_RELATIONS = {ClassGroup: ("grade",), Classroom: ("school",)}


CHOICE_LIMIT = 300


def _key(value) -> int | None:
    """A primary key typed in a URL, or None for anything else (², 10^23, text)."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


class SearchFilterSet(django_filters.FilterSet):
    """Adds a free-text ``q`` over ``search_fields``, and keeps every choice list short.

    A county has ~1,100 classes, most of them named alike (三年级(1)班), so a class list offers the classes
    of the school chosen in the same form (``choices_within``: {"class_group": "school"}) and nothing until
    one is; any other list offers at most ``CHOICE_LIMIT`` rows. Only what is offered shrinks: a link that
    filters by a class (?class_group=…) is validated against everything the user may see, as before.
    """

    search_fields: tuple[str, ...] = ()
    choices_within: dict[str, str] = {}
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=SEARCH_LENGTH)

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        # Choice lists (school, class…) offer only what the user may see: never all rows of a table.
        user = getattr(request, "user", None)
        for flt in self.filters.values():
            # django-filter caches a filter's form field on first use; the API schema generator uses the
            # class's filters before any is bound to a model, so that cached field has no label and the page
            # would show the bare field name ("Level", "Kind"). Build it again, in this request's language.
            flt.__dict__.pop("_field", None)
            model = getattr(getattr(flt, "queryset", None), "model", None)
            if model is not None:
                visible = model.objects.visible_to(user) if user is not None else model.objects.none()
                # what each option's label reads (a class's grade, a classroom's school): one query, not one
                # per option
                flt.queryset = visible.select_related(*CHOICE_LABEL_RELATIONS.get(model, ()))

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, field in form.fields.items():
                if isinstance(field, forms.ModelChoiceField):
                    field.widget.choices = self._offered(form, name, field)
        return self._form

    def _offered(self, form, name: str, field) -> list[tuple[str, str]]:
        """The options a choice list shows: bounded, with the chosen one always among them."""
        blank = [("", field.empty_label or "")]
        queryset = field.queryset
        parent = self.choices_within.get(name)
        if parent is not None:
            parent_key = _key(form.data.get(parent))
            if parent_key is None:
                blank = [("", gettext("Choose a school first"))]
                queryset = queryset.none()
            else:
                queryset = queryset.filter(**{f"{parent}_id": parent_key})
        rows = list(queryset[:CHOICE_LIMIT])
        chosen = _key(form.data.get(name))
        if chosen is not None and all(row.pk != chosen for row in rows):
            rows += list(field.queryset.filter(pk=chosen))
        return blank + [(str(row.pk), field.label_from_instance(row)) for row in rows]

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": search_text(value)})
        return queryset.filter(query)


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
