"""Writing spreadsheets and CSV files that are safe to open: no cell the platform writes runs as a formula.

Names, class names and remarks are typed by users. A value such as ``=HYPERLINK("http://…","点此")`` or
``@SUM(…)`` is harmless in the database and on a page, but a spreadsheet program that opens an export
treats it as a formula (CSV/formula injection): it can leak other cells or run commands through DDE. So
every spreadsheet or CSV the platform writes (import templates, error reports, exports) goes through
this module, which writes such cells as plain text:

- in CSV, a leading apostrophe (the convention Excel and LibreOffice both honour, as OWASP advises);
- in xlsx, a string cell (never a formula) with the "quote prefix" style, so Excel shows the text as
  typed and keeps it text when the cell is edited.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet program may read as the start of a formula (tab and CR hide one behind whitespace).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """Whether ``value`` is text that a spreadsheet program would run as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """A CSV cell: formula-like text gets a leading apostrophe; anything else is unchanged."""
    return "'" + value if is_formula_like(value) else value


def write_csv_rows(writer, rows: Iterable[Iterable[Any]]) -> None:
    """Write ``rows`` to a ``csv.writer`` with every cell made safe."""
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])


def csv_writer(buffer):
    """A ``csv.writer`` on ``buffer`` whose ``writerow``/``writerows`` make every cell safe."""
    return _SafeCsvWriter(csv.writer(buffer))


class _SafeCsvWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        write_csv_rows(self._writer, rows)


def set_cell(cell: Cell, value: Any) -> Cell:
    """Put ``value`` into an openpyxl cell; formula-like text stays text (string type, quote prefix)."""
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Like ``sheet.append(values)``, but no value becomes a formula."""
    values = list(values)
    sheet.append(values)
    for column, value in enumerate(values, start=1):
        if is_formula_like(value):  # then the row is not empty, and max_row is the row just appended
            set_cell(sheet.cell(row=sheet.max_row, column=column), value)
