"""Normalising typed or imported text where ids and numbers are compared or stored.

Chinese input methods type full-width characters: "２１３３０１２７０１" looks like the school id
2133012701, "(１)班" like the class "(1)班". Python's ``\\d`` accepts such digits, so without normalising
the platform stores both and treats them as two different schools or classes. NFKC (Unicode
compatibility composition) folds full-width digits, letters and brackets to their ASCII forms and leaves
Chinese characters alone. Forms apply it through ``NormalizedCharField``; the import kinds call
``normalize_text`` on the same columns.
"""

from __future__ import annotations

import unicodedata

from django import forms


def normalize_text(value) -> str:
    """``value`` in NFKC with surrounding whitespace removed ("２１３３ " → "2133", "（１）班" → "(1)班")."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


class NormalizedCharField(forms.CharField):
    """A text field whose value is NFKC-normalised before validation, so validators and unique checks
    see the same characters whatever the input method typed."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_text(value) if value not in self.empty_values else value
