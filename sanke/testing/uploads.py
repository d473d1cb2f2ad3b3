"""Files for the import page, built the way a clerk builds them: a header row, then one row per record.

The import reads .xlsx (openpyxl) and .csv (UTF-8 with or without BOM, or GB18030 as Chinese Excel saves
it); these helpers make both as uploads, and run an import with English messages so tests can read them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = Sequence[object]


def xlsx_bytes(header: Row, rows: Iterable[Row]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(header: Row, rows: Iterable[Row], name: str = "import.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(header, rows), content_type=XLSX_TYPE)


def csv_rows(rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def csv_text(header: Row, rows: Iterable[Row]) -> str:
    return csv_rows([header, *rows])


def csv_upload(
    header: Row, rows: Iterable[Row], *, encoding: str = "utf-8-sig", name: str = "import.csv"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_text(header, rows).encode(encoding), content_type="text/csv")


def import_in_english(kind: str, upload, user):
    """Run the import action as ``user``, with English messages (tests assert on the reasons)."""
    from sanke.org.actions import do_import_file

    with translation.override("en"):
        return do_import_file(kind, upload, acting_user=user)


def errors_by_row(result) -> dict[int, list[tuple[str, str]]]:
    """An import result's errors as {row number: [(column, message), …]}."""
    found: dict[int, list[tuple[str, str]]] = {}
    for error in result.errors:
        found.setdefault(error.row, []).append((error.column, error.message))
    return found
