"""The tabular-import engine: files of rows (xlsx or csv) checked all or nothing, then saved in one go.

An import is all or nothing: every row is checked first, and if any row is wrong nothing is written
and the user gets every bad row with a reason a school clerk understands. Only a clean file is saved,
in one transaction (``run_import``, called by the owning app's import action).

What can be imported are *import kinds* (``ImportKind``: columns and a planner that checks the rows and
plans what to save). The apps own their kinds and register them from their ``AppConfig.ready``
(``register_import_kind``); this module knows none of them, and the planner gets the acting user to ask
the scoping kernel what that user may change.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from sanke.core.audit import record_audit

MAX_ROWS = 20000


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    required: bool = False
    hint: Promise | str = ""
    aliases: tuple[str, ...] = ()  # other titles clerks use for the same column (学号 for 学籍号…)

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

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, empty)."""


def _normalise_header(text: str) -> str:
    return re.sub(r"[\s*＊()（）]", "", str(text or "")).lower()


# --- reading files ----------------------------------------------------------------------------------------
def read_table(uploaded) -> list[list[str]]:
    """Rows of cells as stripped strings from an .xlsx or .csv upload (UTF-8 or GB18030 for csv)."""
    name = (getattr(uploaded, "name", "") or "").lower()
    data = uploaded.read()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise ImportFileError(_("The file could not be opened as an Excel (.xlsx) workbook.")) from exc
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if name.endswith(".csv") or not name:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(_("The CSV file is not in UTF-8 or GBK encoding."))
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    raise ImportFileError(_("Please upload an .xlsx or .csv file."))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores ids typed as numbers as floats
    return str(value).strip()


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
    """What a clean file will create, in order, once every row has passed."""

    steps: list[tuple[int, Callable[[], Placed]]] = field(default_factory=list)  # (row number, save)


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


def check_file(kind: ImportKind, table: list[list[str]], user) -> tuple[ImportResult, Plan | None]:
    """Check every row; return the result (with all errors) and, for a clean file, the plan to save."""
    result = ImportResult(kind=kind.key)
    while table and not any(table[-1]):
        table.pop()
    if not table or not any(table[0]):
        raise ImportFileError(_("The file is empty: the first row must hold the column titles."))
    header = [_normalise_header(cell) for cell in table[0]]
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
    unknown = [str(cell) for index, cell in enumerate(table[0]) if cell and index not in positions.values()]
    if unknown:
        raise ImportFileError(
            _("Unknown column(s): %(columns)s. Use the column titles of the template.")
            % {"columns": "、".join(unknown)}
        )
    columns = {c.key: c for c in kind.columns if c.key in positions}
    rows = []
    for row_number, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        values = {key: (cells[index] if index < len(cells) else "") for key, index in positions.items()}
        rows.append((row_number, values, columns))
    if not rows:
        raise ImportFileError(_("The file has column titles but no data rows."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("At most %(n)d rows per file; please split the file.") % {"n": MAX_ROWS})
    result.rows = len(rows)
    plan = kind.planner(rows, user, result.errors)
    result.errors.sort(key=lambda e: e.row)
    return result, (None if result.errors else plan)


def run_import(kind: ImportKind, uploaded, *, acting_user, audit_action: str) -> ImportResult:
    """Import ``uploaded`` as ``kind`` all or nothing, and audit it as ``audit_action`` (the generic part of
    an app's import action).

    Raises ``ImportFileError`` for a file that cannot be read at all; row problems come back in the
    result, and then nothing has been written. The audit row is placed where the first created object
    says it belongs (its ``audit_placement()``).
    """
    result, plan = check_file(kind, read_table(uploaded), acting_user)
    if plan is None:
        return result
    row = 0
    try:
        with transaction.atomic():
            first: Placed | None = None
            for row, step in plan.steps:  # noqa: B007  (the except clause reports the failing row)
                created = step()
                first = first or created
                result.created += 1
            assert first is not None  # a clean file has data rows, and every row plans a step
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
    return result


# --- templates --------------------------------------------------------------------------------------------
def template_workbook(kind: ImportKind) -> Workbook:
    """An .xlsx template: the column titles (required ones marked *) and a sheet of notes with examples."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(kind.label)[:31]
    sheet.append([f"{c.label}{'*' if c.required else ''}" for c in kind.columns])
    for index, _column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 18
    notes = workbook.create_sheet(_("Notes"))
    notes.append([_("Column"), _("Required"), _("Example / allowed values")])
    for column in kind.columns:
        notes.append([str(column.label), _("yes") if column.required else "", str(column.hint)])
    notes.append([])
    notes.append(
        [
            _(
                "Fill in the first sheet only. A file with any wrong row imports nothing; fix the rows "
                "listed and upload the whole file again."
            )
        ]
    )
    return workbook


def template_csv(kind: ImportKind) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([f"{c.label}{'*' if c.required else ''}" for c in kind.columns])
    return "\ufeff" + buffer.getvalue()
