"""Validators for identifiers used in Chinese schools, with messages a school clerk understands.

Digits are ASCII only (``[0-9]``, never ``\\d``, which also matches "１３８" and "٣"): forms and imports
normalise typed ids first (``sanke.core.text.normalize_text``); a value that still holds other digits
got here around them, and is refused with a hint to type half-width digits.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sanke.core.text import normalize_text

MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def validate_region_code(value: str) -> None:
    if not re.fullmatch(r"[0-9]{6}", value or ""):
        _refuse_wide_digits(value)
        raise ValidationError(_("A division code has exactly 6 digits, e.g. 330127."), code="region_code")


def validate_school_code(value: str) -> None:
    if not re.fullmatch(r"[0-9]{10}", value or ""):
        _refuse_wide_digits(value)
        raise ValidationError(_("A school id has exactly 10 digits."), code="school_code")


def _refuse_wide_digits(value: str) -> None:
    """A value whose digits are full-width (or of another script) but fine once normalised."""
    if value and normalize_text(value) != value.strip():
        raise ValidationError(
            _("Type the number with half-width digits (0–9), not full-width ones."), code="wide_digits"
        )


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.fullmatch(value or ""):
        _refuse_wide_digits(value)
        raise ValidationError(
            _("%(value)s is not a valid mobile number (11 digits starting with 1).") % {"value": value},
            code="phone",
        )


def national_id_checksum_ok(value: str) -> bool:
    if not re.fullmatch(r"[0-9]{17}[0-9Xx]", value):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def validate_national_id(value: str) -> None:
    if not national_id_checksum_ok(value or ""):
        _refuse_wide_digits(value)
        raise ValidationError(
            _("The ID card number is not valid (18 characters; check the last digit)."), code="national_id"
        )
