"""The tabular-import engine: files of rows (xlsx or csv) checked all or nothing, then saved in one go.

An import is all or nothing: every row is checked first, and if any row is wrong nothing is written
and the user gets every bad row with a reason a school clerk understands. Only a clean file is saved,
in one transaction (``run_import``, called by the owning app's import action).

Checking and writing are apart on purpose. The checks run without a write transaction (they only read),
however long the file; then everything is written at once with bulk operations in one short
transaction. On SQLite one writer at a time holds the database's write lock, and a login writes too: an
import that saved row by row inside its transaction kept other users out for a minute and more. The
database's unique constraints back the checks: a row that someone else added between the checks and the
write makes the whole import fail with a message (``ImportConflict``), and still nothing is written.

What can be imported are *import kinds* (``ImportKind``: columns and a planner that checks the rows and
plans what to save). The apps own their kinds and register them from their ``AppConfig.ready``
(``register_import_kind``); this module knows none of them, and the planner gets the acting user to ask
the scoping kernel what that user may change.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from sanke.core.audit import record_audit
from sanke.core.spreadsheets import append_row, csv_writer
from sanke.core.uploads import file_too_large_message, upload_file_limit

MAX_ROWS = 20000


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    required: bool = False
    hint: Promise | str = ""
    aliases: tuple[str, ...] = ()  # other titles clerks use for the same column (学号 for 学籍号…)
    # Ids, numbers and codes are compared, so their cells are normalised to NFKC: full-width digits and
    # brackets typed with a Chinese input method ("２１３３…", "（１）班") become the ASCII ones.
    nfkc: bool = False

    def header_names(self) -> set[str]:
        names = {self.key, *self.aliases}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(self.label))
        return {_normalise_header(n) for n in names}


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    write_seconds: float = 0.0  # time inside the write transaction (the write lock, on SQLite)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, empty)."""


class ImportConflict(ImportFileError):
    """The checked rows clash with rows written by someone else meanwhile (a unique constraint refused
    the write): nothing was imported, and checking the file again shows which rows."""


class ImportAlreadyDone(Exception):
    """Raised inside the write transaction when the import turns out to be written already (a job run a
    second time after its worker died): the transaction rolls back, nothing is written twice."""


def _normalise_header(text: str) -> str:
    return re.sub(r"[\s*＊()（）]", "", str(text or "")).lower()


# --- reading files ----------------------------------------------------------------------------------------
# Limits checked before or while reading, so that a hostile or accidental file costs little. A roster of
# 10,000 students with ten columns is about 1 MB as xlsx and 5–10 MB of sheet XML; these leave a wide margin.
MAX_COLUMNS = 100  # a non-empty cell further right refuses the file
MAX_SCANNED_ROWS = MAX_ROWS * 5  # row elements, empty ones included (formatted but empty rows)
MAX_CELL_CHARS = 1000  # longer cells are cut (one char over, so that length checks still fail)
MAX_CSV_LINE_CHARS = 20000
XLSX_MAX_ENTRIES = 500
XLSX_MAX_UNCOMPRESSED = 100 * 1024 * 1024  # all entries together
XLSX_MAX_SHARED_STRINGS = 30 * 1024 * 1024  # loaded whole by openpyxl, so capped on its own
XLSX_MAX_RATIO = 100  # uncompressed / compressed, for entries above XLSX_RATIO_FLOOR
XLSX_RATIO_FLOOR = 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx


class ReportedCell(str):
    """A cell whose problem is already reported (as empty text): later checks of it stay silent, so the
    clerk reads the real reason rather than "must be filled in"."""


class UncomputedFormula(ReportedCell):
    """An xlsx cell holding a formula but no computed value (a file written by a program, never saved
    by Excel)."""


def read_rows(uploaded) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(spreadsheet row number, cells)`` from an .xlsx or .csv upload, streaming.

    Nothing is read before the cheap checks: the size of the upload, then for .xlsx the zip directory
    (entry count, unpacked size, compression ratio), so a "zip bomb" is refused without unpacking it.
    Rows come one at a time; the caller stops at its row limit. Rows without cells may be skipped.
    """
    size = getattr(uploaded, "size", None)
    limit = upload_file_limit()
    if size is not None and size > limit:
        raise ImportFileError(file_too_large_message(limit))
    name = (getattr(uploaded, "name", "") or "").lower()
    uploaded.seek(0)
    magic = uploaded.read(8)
    uploaded.seek(0)
    if magic.startswith(b"PK"):
        return _xlsx_rows(uploaded)
    if magic.startswith(_OLE2_MAGIC) or name.endswith((".xls", ".et")):
        raise ImportFileError(
            _(
                "This is an old Excel (.xls) file or a file with an opening password. Please open it in "
                "Excel, save it as .xlsx (File → Save As → Excel Workbook) without a password, and upload "
                "it again."
            )
        )
    if name.endswith(".xlsx"):
        raise ImportFileError(_("The file could not be opened as an Excel (.xlsx) workbook."))
    if name.endswith((".csv", ".txt")) or not name:
        return _csv_rows(uploaded)
    raise ImportFileError(_("Please upload an .xlsx or .csv file."))


def read_table(uploaded) -> list[list[str]]:
    """Every row of a (small) upload, for callers that want a list; imports use ``read_rows``."""
    table: list[list[str]] = []
    for number, cells in read_rows(uploaded):
        table.extend([] for _row in range(number - 1 - len(table)))
        table.append(cells)
    return table


def _xlsx_rows(uploaded) -> Iterator[tuple[int, list[str]]]:
    _check_xlsx_archive(uploaded)
    uploaded.seek(0)
    try:
        workbook = load_workbook(uploaded, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        source = workbook._archive.open(sheet._worksheet_path)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ImportFileError(_("The file could not be opened as an Excel (.xlsx) workbook.")) from exc
    parser = _SheetParser(
        source,
        workbook.shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    try:
        scanned = 0
        for number, parsed in parser.parse():
            scanned += 1
            if scanned > MAX_SCANNED_ROWS:
                raise ImportFileError(_row_limit_message())
            cells: list[str] = []
            for cell in parsed:
                column, value = cell["column"], _cell_text(cell["value"])
                if column > MAX_COLUMNS:
                    if value:
                        raise ImportFileError(
                            _(
                                "The first sheet uses more than %(n)d columns. Keep only the columns of "
                                "the template and upload again."
                            )
                            % {"n": MAX_COLUMNS}
                        )
                    continue
                cells.extend("" for _gap in range(column - 1 - len(cells)))
                cells.append(value)
            yield number, cells
        merged = [str(m.ref) for m in (parser.merged_cells.mergeCell if parser.merged_cells else [])]
        if merged:
            shown = "、".join(merged[:5]) + ("…" if len(merged) > 5 else "")
            raise ImportFileError(
                _(
                    "The first sheet has merged cells (%(cells)s). Unmerge them (Home → Merge & Center → "
                    "Unmerge Cells), fill in every cell, and upload again."
                )
                % {"cells": shown}
            )
    except ImportFileError:
        raise
    except Exception as exc:  # a broken sheet XML
        raise ImportFileError(_("The file could not be opened as an Excel (.xlsx) workbook.")) from exc
    finally:
        source.close()
        workbook.close()


def _check_xlsx_archive(uploaded) -> None:
    """Refuse a workbook whose zip directory promises more than a roster needs, before unpacking it."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(_("The file could not be opened as an Excel (.xlsx) workbook.")) from exc
    too_big = len(entries) > XLSX_MAX_ENTRIES or sum(e.file_size for e in entries) > XLSX_MAX_UNCOMPRESSED
    for entry in entries:
        if entry.filename.endswith("sharedStrings.xml") and entry.file_size > XLSX_MAX_SHARED_STRINGS:
            too_big = True
        if entry.file_size > XLSX_RATIO_FLOOR and entry.file_size > XLSX_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            too_big = True
    if too_big:
        raise ImportFileError(
            _(
                "This workbook unpacks to far more data than a list of rows needs (more than %(mb)d MB, or "
                "packed unusually tightly). Copy only the rows and columns of the template into a new "
                "workbook, or save it as CSV, and upload that."
            )
            % {"mb": XLSX_MAX_UNCOMPRESSED // 1024 // 1024}
        )


class _SheetParser(WorkSheetParser):
    """openpyxl's streaming sheet parser, telling a formula without a computed value from an empty cell."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(_FORMULA_TAG) is not None:
            value = element.find(_VALUE_TAG)
            # Excel stores a formula's empty text result as t="str" with an empty <v>; no <v>, or an
            # empty one on a number cell (what openpyxl and many exporters write), means never computed.
            if value is None or (not value.text and element.get("t", "n") not in ("str", "s")):
                cell["value"] = UncomputedFormula("")
        return cell


_FORMULA_TAG = f"{{{SHEET_MAIN_NS}}}f"
_VALUE_TAG = f"{{{SHEET_MAIN_NS}}}v"


def _csv_rows(uploaded) -> Iterator[tuple[int, list[str]]]:
    encoding = _csv_encoding(uploaded)
    uploaded.seek(0)
    text = io.TextIOWrapper(uploaded.file, encoding=encoding, newline="")
    line_number = 0

    def lines() -> Iterator[str]:
        nonlocal line_number
        while line := text.readline(MAX_CSV_LINE_CHARS + 1):
            line_number += 1
            if len(line) > MAX_CSV_LINE_CHARS:
                raise ImportFileError(
                    _(
                        "Line %(line)d of the CSV file is longer than %(n)d characters. Check that it is "
                        "really a CSV file saved from the template."
                    )
                    % {"line": line_number, "n": MAX_CSV_LINE_CHARS}
                )
            yield line

    try:
        for number, row in enumerate(csv.reader(lines()), start=1):
            if number > MAX_SCANNED_ROWS:
                raise ImportFileError(_row_limit_message())
            yield number, [_cell_text(cell) for cell in row[: MAX_COLUMNS + 1]]
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)d of the CSV file cannot be read (%(reason)s). Save it again from Excel as CSV.")
            % {"line": line_number, "reason": exc}
        ) from exc
    finally:
        text.detach()


def _csv_encoding(uploaded) -> str:
    """UTF-8 (with or without BOM), else GB18030 (which covers GBK), checked in chunks without keeping
    the text."""
    uploaded.seek(0)
    start = uploaded.read(2)
    if start in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportFileError(
            _(
                'This file is saved as Unicode text (UTF-16). In Excel, save it as "CSV UTF-8" or as '
                ".xlsx, and upload again."
            )
        )
    for encoding in ("utf-8-sig", "gb18030"):
        uploaded.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := uploaded.read(64 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(
        _(
            'The CSV file is not in UTF-8 or GBK encoding. In Excel, save it as "CSV UTF-8" or as .xlsx, '
            "and upload again."
        )
    )


def _row_limit_message() -> str:
    return _("At most %(n)d rows per file; please split the file.") % {"n": MAX_ROWS}


def _cell_text(value) -> str:
    if isinstance(value, UncomputedFormula):
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores ids typed as numbers as floats
    elif isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    text = str(value)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS + 1]
    return text.strip()


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text)


# --- checking rows ----------------------------------------------------------------------------------------
def _choice_lookup(choices) -> dict[str, str]:
    """Map labels (both languages) and values of a choices class to values."""
    lookup = {}
    for value, label in choices.choices:
        lookup[str(value).lower()] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    return lookup


class RowChecker:
    """Collects errors for one row; helpers return a parsed value or None after recording an error."""

    def __init__(
        self, row_number: int, values: dict[str, str], columns: dict[str, Column], errors: list[RowError]
    ):
        self.row_number, self.values, self.columns, self.errors = row_number, values, columns, errors
        self.failed = False

    def error(self, key: str, message: str) -> None:
        self.failed = True
        if isinstance(self.values.get(key), ReportedCell):
            return  # the cell's real problem is already reported (a formula without value, a NUL)
        label = str(self.columns[key].label) if key in self.columns else key
        self.errors.append(RowError(self.row_number, label, self.values.get(key, ""), message))

    def text(self, key: str, *, max_length: int = 100) -> str:
        value = self.values.get(key, "")
        if not value and self.columns[key].required:
            self.error(key, _("This column must be filled in."))
        elif len(value) > max_length:
            self.error(key, _("Too long: at most %(n)d characters.") % {"n": max_length})
        return value

    def choice(self, key: str, words: dict, choices) -> str | None:
        value = self.text(key)
        if not value:
            return "" if not self.columns[key].required else None
        lookup = {**_choice_lookup(choices), **words}
        if value.lower() not in lookup:
            allowed = "、".join(k for k in words if k)
            self.error(key, _("Unknown value; use one of: %(allowed)s.") % {"allowed": allowed})
            return None
        return lookup[value.lower()]


class Placed(Protocol):
    """What a plan step saves: an object that says where it sits in the organisation (for the audit row)."""

    def audit_placement(self) -> tuple[str, Any]: ...


@dataclass
class Plan:
    """What a clean file will create once every row has passed.

    Either ``steps`` (row number, save one row), run in order inside the write transaction, for kinds
    whose files are small and whose rows refer to each other (schools naming a central school of the
    same file); or ``bulk``, which writes every row at once with bulk operations and returns the first
    object it created (its ``audit_placement`` places the audit row) — the kinds with large files, so
    that the write transaction stays short. ``count`` is how many rows ``bulk`` creates.
    """

    steps: list[tuple[int, Callable[[], Placed]]] = field(default_factory=list)  # (row number, save)
    bulk: Callable[[], Placed] | None = None
    count: int = 0


@dataclass(frozen=True)
class ImportKind:
    """One kind of file: its columns, and ``planner(rows, user, errors) -> Plan`` that checks every row
    (recording errors) and plans what a clean file saves."""

    key: str
    label: Promise
    columns: tuple[Column, ...]
    planner: Callable


# --- the kinds, registered by the apps that own them ---------------------------------------------------
IMPORT_KINDS: dict[str, ImportKind] = {}


def register_import_kind(kind: ImportKind) -> None:
    """Add an import kind owned by another app (called from its ``AppConfig.ready``).

    The import page and this engine do not depend on the apps whose kinds they offer; they register here.
    Registering the same kind twice is harmless; a different kind under a taken key is a mistake.
    """
    registered = IMPORT_KINDS.setdefault(kind.key, kind)
    if registered is not kind:
        raise ValueError(f"import kind {kind.key!r} is already registered")


Progress = Callable[[int, int], None]  # (rows checked, rows in the file)
PROGRESS_EVERY = 200  # rows between two progress reports


class _ReportingRows:
    """The checked rows handed to a planner, reporting every ``PROGRESS_EVERY`` rows as it reads them."""

    def __init__(self, rows: list, progress: Progress | None):
        self.rows, self.progress = rows, progress

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        total = len(self.rows)
        for index, row in enumerate(self.rows, start=1):
            yield row
            if self.progress is not None and (index % PROGRESS_EVERY == 0 or index == total):
                self.progress(index, total)


def unreported(rows) -> list:
    """The rows a planner got, to look through them once more (a first pass) without reporting progress."""
    return rows.rows if isinstance(rows, _ReportingRows) else rows


def read_header(kind: ImportKind, uploaded) -> None:
    """Raise ``ImportFileError`` for a file that cannot be opened or whose header does not match
    ``kind`` — cheap (the header row only), so the upload form can say so at once, before a job."""
    rows = read_rows(uploaded)
    try:
        first = next(iter(rows), None)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    _match_header(kind, first)


def _match_header(kind: ImportKind, first) -> tuple[dict[str, int], list[str]]:
    """The column positions of ``kind`` in the header row ``first`` (row number, cells)."""
    if first is None or first[0] != 1 or not any(first[1]):
        raise ImportFileError(_("The file is empty: the first row must hold the column titles."))
    header_cells = first[1]
    header = [_normalise_header(cell) for cell in header_cells]
    positions: dict[str, int] = {}
    for column in kind.columns:
        for index, name in enumerate(header):
            if name and name in column.header_names():
                positions[column.key] = index
                break
    missing = [str(c.label) for c in kind.columns if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(
            _("Missing column(s): %(columns)s. Download the template to see the expected columns.")
            % {"columns": "、".join(missing)}
        )
    # A column we don't know would be silently dropped: refuse the file rather than lose what it holds.
    unknown = [
        str(cell) for index, cell in enumerate(header_cells) if cell and index not in positions.values()
    ]
    if unknown:
        raise ImportFileError(
            _("Unknown column(s): %(columns)s. Use the column titles of the template.")
            % {"columns": "、".join(unknown)}
        )
    return positions, header_cells


def check_file(
    kind: ImportKind,
    table: Iterable[list[str]] | Iterable[tuple[int, list[str]]],
    user,
    *,
    progress: Progress | None = None,
) -> tuple[ImportResult, Plan | None]:
    """Check every row; return the result (with all errors) and, for a clean file, the plan to save.

    ``table`` is what ``read_rows`` yields (row numbers with cells), or a plain list of rows. It is read
    once, as a stream: the header is matched first (a file with missing columns is refused before any
    data row is read), and reading stops as soon as the file has more than ``MAX_ROWS`` data rows.
    Nothing is written here (the planners only read), so no write transaction is held however long
    the checks take; ``progress(rows checked, rows)`` is called as the planner goes.
    """
    result = ImportResult(kind=kind.key)
    numbered = _numbered(table)
    positions, _header_cells = _match_header(kind, next(numbered, None))
    columns = {c.key: c for c in kind.columns if c.key in positions}
    rows: list[tuple[int, dict[str, str], dict[str, Column]]] = []
    for row_number, cells in numbered:
        if not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(_row_limit_message())
        values = {}
        for key, index in positions.items():
            value = cells[index] if index < len(cells) else ""
            if isinstance(value, UncomputedFormula):
                result.errors.append(
                    RowError(
                        row_number,
                        str(columns[key].label),
                        "",
                        _(
                            "This cell holds a formula whose value was never computed. Open the file in "
                            "Excel and save it (so the values are computed), or paste the column as "
                            "values (Paste Special → Values), then upload again."
                        ),
                    )
                )
                value = ReportedCell("")
            elif _has_control_characters(value):
                result.errors.append(
                    RowError(
                        row_number,
                        str(columns[key].label),
                        value.encode("unicode_escape").decode("ascii")[:60],
                        _(
                            "Must not contain control characters (such as a NUL character). Delete the "
                            "cell's content, type the value again and upload again."
                        ),
                    )
                )
                value = ReportedCell("")
            elif columns[key].nfkc:
                value = unicodedata.normalize("NFKC", value).strip()
            values[key] = value
        rows.append((row_number, values, columns))
    if not rows:
        raise ImportFileError(_("The file has column titles but no data rows."))
    result.rows = len(rows)
    if progress is not None:
        progress(0, len(rows))
    plan = kind.planner(_ReportingRows(rows, progress), user, result.errors)
    result.errors.sort(key=lambda e: e.row)
    return result, (None if result.errors else plan)


def _numbered(table) -> Iterator[tuple[int, list[str]]]:
    """Rows as ``(row number, cells)``, whether ``table`` is ``read_rows`` output or a list of rows."""
    for index, item in enumerate(table, start=1):
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], int):
            yield item
        else:
            yield index, list(item)


def run_import(
    kind: ImportKind,
    uploaded,
    *,
    acting_user,
    audit_action: str,
    progress: Progress | None = None,
    claim_write: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import ``uploaded`` as ``kind`` all or nothing, and audit it as ``audit_action`` (the generic part of
    an app's import action).

    Raises ``ImportFileError`` for a file that cannot be read at all, ``ImportConflict`` when the database
    refuses the checked rows (someone added the same rows meanwhile); row problems come back in the
    result, and then nothing has been written. Every row is checked first, outside any transaction; only
    a clean file opens the one write transaction. ``claim_write(rows to create)`` runs first inside it:
    a background job marks itself done there with a conditional update, so that a job run twice (its
    worker died, the task came again) writes once — the second run raises ``ImportAlreadyDone`` and
    rolls back. The audit row is placed where the first created object says it belongs (its
    ``audit_placement()``).
    """
    result, plan = check_file(kind, read_rows(uploaded), acting_user, progress=progress)
    if plan is None:
        return result
    row = 0
    started = time.perf_counter()
    try:
        with transaction.atomic():
            if claim_write is not None:
                claim_write(plan.count + len(plan.steps))
            first: Placed | None = None
            if plan.bulk is not None:
                first = plan.bulk()
                result.created = plan.count
            for row, step in plan.steps:  # noqa: B007  (the except clause reports the failing row)
                created = step()
                first = first or created
                result.created += 1
            assert first is not None  # a clean file has data rows, and every row is planned
            region_code, school = first.audit_placement()
            record_audit(
                acting_user,
                audit_action,
                None,
                region_code=region_code,
                school=school,
                changes={"file": getattr(uploaded, "name", ""), "rows": result.created},
            )
    except ValidationError as exc:  # a rule the row checks missed: still nothing is saved
        result.created = 0
        result.errors.append(RowError(row, "", "", "; ".join(exc.messages)))
    except IntegrityError as exc:  # a unique row added by someone else since the checks
        raise ImportConflict(
            _(
                "Nothing was imported: while the file was being checked, someone else added some of the "
                "same records (the same number or ID card number). Upload the file again to see which "
                "rows."
            )
        ) from exc
    finally:
        result.write_seconds = time.perf_counter() - started
    return result


# --- templates --------------------------------------------------------------------------------------------
def template_workbook(kind: ImportKind) -> Workbook:
    """An .xlsx template: the column titles (required ones marked *) and a sheet of notes with examples."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(kind.label)[:31]
    append_row(sheet, [f"{c.label}{'*' if c.required else ''}" for c in kind.columns])
    for index, _column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 18
    notes = workbook.create_sheet(_("Notes"))
    append_row(notes, [_("Column"), _("Required"), _("Example / allowed values")])
    for column in kind.columns:
        append_row(notes, [str(column.label), _("yes") if column.required else "", str(column.hint)])
    notes.append([])
    append_row(
        notes,
        [
            _(
                "Fill in the first sheet only. A file with any wrong row imports nothing; fix the rows "
                "listed and upload the whole file again."
            )
        ],
    )
    return workbook


def template_csv(kind: ImportKind) -> str:
    buffer = io.StringIO()
    csv_writer(buffer).writerow([f"{c.label}{'*' if c.required else ''}" for c in kind.columns])
    return "\ufeff" + buffer.getvalue()
