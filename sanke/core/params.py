"""Reading query-string values defensively: a date, a whole number, a choice or a search text.

A query string is whatever a bookmark, a pasted link or an attacker sends. Views that trust a value to be
a date or a number answer 500 (``?date=9999-12-31`` overflows the day after, ``?since=2026-02-30`` is no
day, ``?weekday=²`` passes ``str.isdigit`` but not ``int``, 23 digits overflow the database's integers,
100,000 characters exceed SQLite's LIKE pattern limit). These helpers turn anything unusable into the
default, so a page shows its ordinary state instead of an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# The dates the platform deals with: school years, never year 1 or 9999 (one day past those overflows).
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# Ids and counts fit a signed 64-bit column; beyond that SQLite raises OverflowError.
LARGEST_ID = 2**63 - 1
SEARCH_LENGTH = 100

_ASCII_DIGITS = re.compile(r"[0-9]+")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def parse_int(text, *, minimum: int = 0, maximum: int = LARGEST_ID) -> int | None:
    """``text`` as a whole number of ASCII digits within [minimum, maximum], else None.

    Only ASCII digits count: ``int()`` also reads "١٢" or "１２", but ids and numbers are stored in
    ASCII, and "²" passes ``str.isdigit`` yet makes ``int()`` raise.
    """
    text = str(text or "").strip()
    if text.startswith("-") and minimum < 0:
        value = parse_int(text[1:], minimum=0, maximum=-minimum)
        return -value if value is not None else None
    if not _ASCII_DIGITS.fullmatch(text) or len(text) > 19:
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def parse_iso_date(text, *, earliest: dt.date = EARLIEST_DATE, latest: dt.date = LATEST_DATE):
    """``text`` as a YYYY-MM-DD date between ``earliest`` and ``latest``, else None (no exception)."""
    match = _ISO_DATE.fullmatch(str(text or "").strip())
    if not match:
        return None
    try:
        date = dt.date(*(int(part) for part in match.groups()))
    except ValueError:  # 2026-02-30
        return None
    return date if earliest <= date <= latest else None


def query_date(request, name: str, default: dt.date | None = None) -> dt.date | None:
    """The query parameter ``name`` as a plausible date, or ``default``."""
    return parse_iso_date(request.GET.get(name)) or default


def query_int(request, name: str, default: int | None = None, *, minimum: int = 0, maximum: int = LARGEST_ID):
    """The query parameter ``name`` as a whole number within [minimum, maximum], or ``default``."""
    value = parse_int(request.GET.get(name), minimum=minimum, maximum=maximum)
    return default if value is None else value


def query_choice(request, name: str, choices: Iterable[str], default: str = "") -> str:
    """The query parameter ``name`` if it is one of ``choices``, else ``default``."""
    value = request.GET.get(name, "")
    return value if value in set(choices) else default


def search_text(text, length: int = SEARCH_LENGTH) -> str:
    """Text typed into a search box, safe to put in a query: trimmed, NUL removed, at most ``length``
    characters (nobody searches for more; SQLite refuses LIKE patterns over 50,000 bytes)."""
    return str(text or "").replace("\x00", "").strip()[:length]


def query_text(request, name: str, length: int = SEARCH_LENGTH) -> str:
    """The query parameter ``name`` as search text (see ``search_text``)."""
    return search_text(request.GET.get(name), length)


class PlausibleDateField(forms.DateField):
    """A date field that refuses dates outside 2000–2100 with a message a clerk can act on (a typo such
    as 9999-12-31 or 0001-01-01 would otherwise be stored and break every page that counts days)."""

    default_validators = [
        MinValueValidator(EARLIEST_DATE, message=_("Enter a date between 2000 and 2100.")),
        MaxValueValidator(LATEST_DATE, message=_("Enter a date between 2000 and 2100.")),
    ]


def validate_id_values(values) -> None:
    """Refuse ids that are not plain numbers a database column can hold (``ModelMultipleChoiceField``
    passes 23 digits to the database, where SQLite raises OverflowError)."""
    for value in values or ():
        if parse_int(value) is None:
            raise ValidationError(
                _("Select a valid choice. %(value)s is not one of the available choices."),
                code="invalid_choice",
                params={"value": str(value)[:20]},
            )


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """``ModelMultipleChoiceField`` that checks each submitted id is a plain number before it reaches
    the database (see ``validate_id_values``)."""

    def clean(self, value):
        if value and not isinstance(value, (list, tuple)):
            value = [value]
        validate_id_values(value)
        return super().clean(value)
