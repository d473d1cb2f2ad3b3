"""What timetable adds to the site: the sync-lessons menu, its audit labels and how its audit details read."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanke.core.composition import (
    AuditDetail,
    NavEntry,
    register_audit_actions,
    register_audit_details,
    register_audit_labels,
    register_nav,
)

# What OR-Tools answered (``solver.status_name``), "+GREEDY" when the fallback placed the lessons.
SOLVER_STATUS = {
    "OPTIMAL": _("best arrangement found"),
    "FEASIBLE": _("a valid arrangement found"),
    "INFEASIBLE": _("no arrangement possible"),
    "UNKNOWN": _("no arrangement found in time"),
    "MODEL_INVALID": _("the problem could not be posed"),
    "GREEDY": _("placed one by one"),
}


def _solver_status(value: str) -> str:
    return "，".join(str(SOLVER_STATUS[part]) for part in str(value).split("+"))


def _school_time(value: str) -> str:
    """An ISO moment as the clerk's wall clock (the row stores UTC)."""
    return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")


def register() -> None:
    register_nav(
        NavEntry(
            "timetable",
            _("Sync lessons"),
            "ti-calendar-week",
            "timetable:today",
            30,
            lambda scope: scope.is_staff_role,
            namespaces=("timetable",),
        )
    )
    register_audit_labels(60, ("timetable.", _("Timetables and lessons")))
    # "timetable.<term|entry|series>.<created|updated|deleted>" read by the model's name and fields
    register_audit_actions(
        {
            "timetable.lesson.moved": _("Lesson moved"),
            "timetable.lesson.cancelled": _("Lesson cancelled"),
            "timetable.move_request.created": _("Move of a lesson requested"),
            "timetable.move_request.confirmed": _("Move request confirmed"),
            "timetable.move_request.declined": _("Move request declined"),
            "timetable.calendar_links_reset": _("Own calendar addresses reset"),
            "timetable.classroom_calendar_links_reset": _("Classroom calendar addresses reset"),
            "timetable.schedule.run": _("Co-scheduler run"),
            "timetable.series.accepted": _("Proposed schedule accepted"),
            "timetable.periods.updated": _("Period times changed"),
        }
    )
    register_audit_details(
        "timetable.",
        {
            "from": AuditDetail(_("Before"), show=_school_time),
            "to": AuditDetail(_("After"), show=_school_time),
            "reason": _("Reason"),
            "date": _("New date"),
            "at": _("Time"),
            "lessons": _("Lessons created"),
            "series": _("Courses to place"),
            "placed": _("Courses placed"),
            "status": AuditDetail(_("Result"), show=_solver_status),
            "allow_moving": _("May move existing lessons"),
            "weights": _("Costs"),
            "move_existing": _("Cost of moving an existing lesson"),
            "consecutive_days": _("Cost of lessons on consecutive days"),
            "afternoon_core": _("Cost of a core subject in the afternoon"),
            "periods": _("Periods"),
            "holidays": _("Holidays"),
            "makeup_days": _("Make-up days"),
        },
    )
