"""Spreadsheets of the indicators: the early warnings of a region or school. Every cell goes through
``sanke.core.spreadsheets`` so that a name typed as ``=HYPERLINK(…)`` stays text."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from sanke.core.spreadsheets import append_row
from sanke.supervision.period import Period
from sanke.supervision.warnings import EarlyWarning


def warnings_workbook(place: str, period: Period, warnings: list[EarlyWarning]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Early warnings")[:31]
    append_row(sheet, [_("Early warnings of %(place)s") % {"place": place}])
    append_row(
        sheet,
        [
            _("Week of %(start)s – %(end)s")
            % {"start": period.week.isoformat(), "end": period.week_end.isoformat()},
            f"{period.term_name} {period.term_start.isoformat()} – {period.term_end.isoformat()}",
        ],
    )
    append_row(sheet, [_("Warning"), _("Teacher or end"), _("School"), _("Held / target"), _("Reason")])
    for warning in warnings:
        append_row(
            sheet, [warning.kind_label, warning.subject, warning.school, warning.figure, warning.reason_text]
        )
    for column, width in zip("ABCDE", (28, 30, 24, 14, 60), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
