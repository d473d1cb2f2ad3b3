"""Term reports of a region or a school: the same figures as the dashboard, as an xlsx workbook and a PDF.

The PDF is HTML with a print stylesheet rendered by WeasyPrint, with the Noto CJK fonts Debian installs
(``scripts/system_deps.sh``); its chart is an SVG drawn here, so the PDF needs no browser. The workbook
goes through ``sanke.core.spreadsheets`` so that no name typed as ``=…`` becomes a formula.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sanke.core.spreadsheets import append_row
from sanke.policy.selectors import effective_policy
from sanke.supervision.period import Period
from sanke.supervision.selectors import (
    BreakdownRow,
    Figures,
    Placement,
    TeacherQuota,
    by_class,
    by_school,
    figures,
    teacher_quotas,
    weekly_trend,
)
from sanke.supervision.warnings import EarlyWarning, early_warnings


@dataclass
class ReportData:
    title: str
    place: str
    period: Period
    term: Figures
    target: int | None
    weeks: list
    rows: list[BreakdownRow]
    rows_label: str
    quotas: list[TeacherQuota]
    warnings: list[EarlyWarning]


def report_data(place: str, placement: Placement, period: Period, region, *, by_classes: bool) -> ReportData:
    target = effective_policy(region).weekly_sync_lessons_per_end
    rows = by_class(placement, *period.term) if by_classes else by_school(placement, *period.term)
    return ReportData(
        title=_("Term report of %(place)s") % {"place": place},
        place=place,
        period=period,
        term=figures(placement, *period.term),
        target=target,
        weeks=weekly_trend(placement, *period.term),
        rows=rows,
        rows_label=_("Receiving class") if by_classes else _("School"),
        quotas=teacher_quotas(placement, *period.term),
        warnings=early_warnings(placement, period, target),
    )


def _rate(value) -> str:
    return "" if value is None else f"{value}%"


FIGURE_HEAD = ("Due", "Held", "Cancelled", "Missed", "Delivery rate", "Reach rate", "Interacted")


def _figure_cells(fig: Figures) -> list:
    return [
        fig.lessons,
        fig.held,
        fig.cancelled,
        fig.missed,
        _rate(fig.delivery_rate),
        _rate(fig.reach_rate),
        _rate(fig.interaction_rate),
    ]


def report_xlsx(data: ReportData) -> bytes:
    book = Workbook()
    head = [_(label) for label in FIGURE_HEAD]
    summary = book.active
    summary.title = _("Summary")[:31]
    append_row(summary, [data.title])
    append_row(
        summary,
        [
            data.period.term_name,
            f"{data.period.term_start.isoformat()} – {data.period.term_end.isoformat()}",
        ],
    )
    append_row(summary, ["", *head])
    append_row(summary, [_("This term"), *_figure_cells(data.term)])
    append_row(summary, [])
    append_row(summary, [_("Week"), *head])
    for week, fig in data.weeks:
        append_row(summary, [week.isoformat(), *_figure_cells(fig)])
    places = book.create_sheet(data.rows_label[:31])
    append_row(places, [data.rows_label, *head])
    for row in data.rows:
        append_row(places, [row.label, *_figure_cells(row.figures)])
    teachers = book.create_sheet(_("Teachers")[:31])
    append_row(
        teachers,
        [
            _("Teacher"),
            _("School"),
            _("Honour level"),
            _("Online lessons held"),
            _("Quota"),
            _("Workload (offline lessons)"),
        ],
    )
    for quota in data.quotas:
        append_row(
            teachers,
            [
                quota.person.name,
                quota.person.school.name if quota.person.school_id else "",
                quota.person.get_honour_level_display(),
                quota.held,
                quota.quota if quota.quota is not None else "",
                float(quota.workload),
            ],
        )
    warnings = book.create_sheet(_("Early warnings")[:31])
    append_row(warnings, [_("Warning"), _("Teacher or end"), _("School"), _("Held / target"), _("Reason")])
    for warning in data.warnings:
        append_row(
            warnings,
            [warning.kind_label, warning.subject, warning.school, warning.figure, warning.reason_text],
        )
    for sheet in book.worksheets:
        sheet.column_dimensions["A"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _chart(weeks) -> dict:
    """An SVG bar chart of the lessons held, cancelled and missed per week, laid out here."""
    width, height, left, bottom = 640, 200, 30, 20
    top = max([fig.lessons for _w, fig in weeks] or [1]) or 1
    step = (width - left) / max(len(weeks), 1)
    bars = []
    for index, (week, fig) in enumerate(weeks):
        x = left + index * step + step * 0.15
        y = height - bottom
        for value, colour in ((fig.held, "#2fb344"), (fig.cancelled, "#f59f00"), (fig.missed, "#d63939")):
            h = (height - bottom - 10) * value / top
            y -= h
            bars.append(
                {
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "w": round(step * 0.7, 1),
                    "h": round(h, 1),
                    "fill": colour,
                }
            )
        bars.append({"label": week.strftime("%m-%d"), "x": round(x, 1), "y": height - 5})
    return {"width": width, "height": height, "bars": bars, "top": top, "base": height - bottom}


def report_pdf(data: ReportData) -> bytes:
    """The PDF, or raises ImportError/OSError when WeasyPrint or its system libraries are missing."""
    from weasyprint import CSS, HTML

    html = render_to_string("supervision/report_pdf.html", {"data": data, "chart": _chart(data.weeks)})
    stylesheet = finders.find("sanke/supervision/report.css")
    stylesheets = [CSS(filename=str(Path(stylesheet)))] if stylesheet else []
    return HTML(string=html).write_pdf(stylesheets=stylesheets)
