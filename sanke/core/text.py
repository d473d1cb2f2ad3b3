"""Normalising typed or imported text where ids and numbers are compared or stored.

Chinese input methods type full-width characters: "２１３３０１２７０１" looks like the school id
2133012701, "(１)班" like the class "(1)班". Python's ``\\d`` accepts such digits, so without normalising
the platform stores both and treats them as two different schools or classes. NFKC (Unicode
compatibility composition) folds full-width digits, letters and brackets to their ASCII forms and leaves
Chinese characters alone. Forms apply it to ids through ``NormalizedCharField`` (names through
``DigitFoldedCharField``, which keeps full-width brackets); the import kinds call
``normalize_text`` / ``fold_digits`` on the same columns.
"""

from __future__ import annotations

import unicodedata

from django import forms


def normalize_text(value) -> str:
    """``value`` in NFKC with surrounding whitespace removed ("２１３３ " → "2133", "（１）班" → "(1)班"),
    and the decimal digits NFKC keeps (Arabic-Indic "٣", Devanagari…) in ASCII too."""
    if value is None:
        return ""
    return fold_digits(unicodedata.normalize("NFKC", str(value)))


class NormalizedCharField(forms.CharField):
    """A text field whose value is NFKC-normalised before validation, so validators and unique checks
    see the same characters whatever the input method typed."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_text(value) if value not in self.empty_values else value


def fold_digits(value) -> str:
    """``value`` with every decimal digit (full-width, Arabic-Indic…) and full-width Latin letter in
    ASCII, other characters as typed ("(１)班（英语特色）" → "(1)班（英语特色）").

    For names, where full NFKC would also rewrite the full-width brackets and punctuation a clerk chose,
    but the number inside must compare equal: "(１)班" is the class "(1)班".
    """
    if value is None:
        return ""
    folded = []
    for char in str(value):
        code = ord(char)
        if char.isdecimal():
            folded.append(str(unicodedata.decimal(char)))
        elif 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            folded.append(chr(code - 0xFEE0))
        else:
            folded.append(char)
    return "".join(folded).strip()


class DigitFoldedCharField(forms.CharField):
    """A name field whose digits are folded to ASCII before validation (see ``fold_digits``)."""

    def to_python(self, value):
        value = super().to_python(value)
        return fold_digits(value) if value not in self.empty_values else value
