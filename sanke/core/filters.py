"""The list filters every list page shares (django-filter): a free-text search and choice lists that offer
only what the user may see, bounded whatever the size of the county."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanke.core.params import SEARCH_LENGTH, search_text

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
    # what each option's label reads, per offered model ("org.ClassGroup": ("grade",)): one query, not one
    # per option
    choice_relations: dict[str, tuple[str, ...]] = {}
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
                flt.queryset = visible.select_related(*self.choice_relations.get(model._meta.label, ()))

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
