"""The demo county's timetables: each school's bell times, the 2026–2027 autumn term, what the rural
classes already have, and the English and music series of the host school's alliance — the English one
scheduled by the co-scheduler and accepted, so the term's lessons exist."""

from __future__ import annotations

import datetime as dt

from sanke.core.audit import record_audit
from sanke.core.composition import DemoStep, DemoWorld, register_demo_step
from sanke.timetable.actions import (
    do_accept_proposals,
    do_save_entry,
    do_save_series,
    do_save_term,
    do_schedule_series,
    do_set_period_grid,
)
from sanke.timetable.actions.series import local_datetime
from sanke.timetable.choices import DayKind, LessonStatus
from sanke.timetable.models import CalendarDay, Lesson, Period, SyncSeries, Term, TimetableEntry
from sanke.timetable.scheduling.solver import Weights

# Bell times differ between schools: a sync lesson needs 40 shared minutes on the clock.
GRIDS = {
    "host": ["08:00-08:40", "08:50-09:30", "09:50-10:30", "10:40-11:20", "14:00-14:40", "14:50-15:30"],
    "central": ["08:00-08:45", "08:55-09:40", "09:50-10:35", "10:45-11:30", "14:00-14:45", "14:55-15:40"],
    "longjing": ["08:00-08:40", "08:50-09:30", "09:50-10:30", "10:40-11:20", "14:10-14:50", "15:00-15:40"],
    "xiajiang": ["07:50-08:35", "08:45-09:30", "09:45-10:30", "10:40-11:25", "14:00-14:45", "14:55-15:40"],
    "junior": ["07:40-08:25", "08:35-09:20", "09:40-10:25", "10:35-11:20", "13:40-14:25", "14:35-15:20"],
    "other": ["08:00-08:40", "08:50-09:30", "09:50-10:30", "10:40-11:20", "14:00-14:40", "14:50-15:30"],
}
# What the rural classes already have (weekday → period → subject); empty periods are free.
TIMETABLES = {
    "longjing-3": {
        d: {1: "语文", 2: "数学", 4: "语文", 5: "体育" if d == 1 else "科学" if d == 3 else ""}
        for d in (1, 2, 3, 4, 5)
    },
    "longjing-5": {d: {1: "数学", 2: "语文", 3: "语文", 4: "数学"} for d in (1, 2, 3, 4, 5)},
    "xiajiang-4": {
        d: {1: "语文", 2: "数学", 3: "数学" if d in (1, 3, 5) else "", 4: "语文"} for d in (1, 2, 3, 4, 5)
    },
    "central-4": {
        d: {1: "语文", 2: "数学", 3: "英语", 4: "语文", 5: "科学" if d in (1, 3, 5) else ""}
        for d in (1, 2, 3, 4, 5)
    },
    "host-31": {
        d: {1: "语文", 2: "数学", 3: "英语" if d in (1, 3) else "音乐", 4: "语文"} for d in (1, 2, 3, 4, 5)
    },
}


def build_timetables(w: DemoWorld) -> None:
    """Period grids, the autumn term with its holidays and make-up day, and the rural classes' timetables."""

    def clock(text):
        return dt.time(int(text[:2]), int(text[3:5]))

    for key, grid in GRIDS.items():
        do_set_period_grid(
            w.schools[key], [(n, clock(p[:5]), clock(p[6:])) for n, p in enumerate(grid, 1)], acting_user=None
        )
        term = Term(
            school=w.schools[key],
            name="2026–2027 学年第一学期",
            start=dt.date(2026, 9, 1),
            end=dt.date(2027, 1, 22),
        )
        holidays = [dt.date(2026, 10, d) for d in range(1, 8)] + [dt.date(2027, 1, 1)]
        days = [
            CalendarDay(date=d, kind=DayKind.HOLIDAY, note="国庆节" if d.month == 10 else "元旦")
            for d in holidays
        ]
        days.append(
            CalendarDay(date=dt.date(2026, 10, 10), kind=DayKind.MAKEUP, follows_weekday=3, note="国庆调休")
        )
        do_save_term(term, days, acting_user=None)
    for key, week in TIMETABLES.items():
        class_group = w.classes[key]
        periods = {p.number: p for p in Period.objects.filter(school=class_group.school)}
        for weekday, day in week.items():
            for number, subject in day.items():
                if subject:
                    do_save_entry(
                        TimetableEntry(
                            class_group=class_group, weekday=weekday, period=periods[number], subject=subject
                        ),
                        acting_user=None,
                    )
    # the host English teacher's own classes: Monday and Wednesday period 3 in 三(1)班
    for entry in TimetableEntry.objects.filter(class_group=w.classes["host-31"], subject="英语"):
        entry.teacher = w.people["teacher"]
        do_save_entry(entry, acting_user=None)


def build_series(w: DemoWorld) -> None:
    """英语 (two a week, scheduled and accepted) and 音乐 (a draft) in the host school's alliance."""
    english = w.alliances["english"]
    series = do_save_series(
        SyncSeries(
            alliance=english,
            subject="英语",
            host_teacher=w.people["teacher"],
            host_classroom=w.classrooms["host-studio"],
            lessons_per_week=2,
            core_subject=True,
        ),
        [w.classes["longjing-3"], w.classes["xiajiang-4"]],
        acting_user=None,
    )
    do_schedule_series([series], weights=Weights(), allow_moving=False, acting_user=None, time_limit=5)
    # the demo's series was accepted before its term began, so every lesson of the term is to be taught
    do_accept_proposals([series], acting_user=None, now=local_datetime(english.term_start, 0))
    w.series["english"] = series
    w.series["music"] = do_save_series(
        SyncSeries(
            alliance=english,
            subject="音乐",
            host_teacher=w.people["music"],
            host_classroom=w.classrooms["host-studio"],
            lessons_per_week=1,
        ),
        [w.classes["central-4"]],
        acting_user=None,
    )


# --- a term already under way, for generated worlds (sanke/site/county.py) --------------------------------
def settle_past_lessons(
    series_ids, accepted_at, *, ended=(), missed=(), cancelled: dict | None = None, acting_user=None
) -> None:
    """Give a generated term its past: the series were accepted at ``accepted_at`` (the term's start),
    and the past lessons ended, were missed or were cancelled (``cancelled``: lesson id → reason).

    What ``do_mark_lesson_*`` and ``do_cancel_lesson`` do one lesson at a time, for thousands of lessons
    at once (a conditional update per status on scheduled lessons); an audit row per alliance counts its
    cancelled lessons.
    """
    SyncSeries.objects.filter(pk__in=list(series_ids)).update(accepted_at=accepted_at)
    scheduled = Lesson.objects.filter(status=LessonStatus.SCHEDULED)
    for status, ids in ((LessonStatus.ENDED, list(ended)), (LessonStatus.MISSED, list(missed))):
        for start in range(0, len(ids), 500):
            scheduled.filter(pk__in=ids[start : start + 500]).update(status=status)
    by_reason: dict[str, list[int]] = {}
    for lesson_id, reason in (cancelled or {}).items():
        by_reason.setdefault(reason.strip()[:200], []).append(lesson_id)
    for reason, ids in by_reason.items():
        for start in range(0, len(ids), 500):
            scheduled.filter(pk__in=ids[start : start + 500]).update(
                status=LessonStatus.CANCELLED, cancel_reason=reason
            )
    # one audit row per alliance says how many of its lessons were cancelled
    alliances, counts = {}, {}
    for lesson in Lesson.objects.filter(pk__in=list(cancelled or {})).select_related("series__alliance"):
        alliance = lesson.series.alliance
        alliances[alliance.pk] = alliance
        counts[alliance.pk] = counts.get(alliance.pk, 0) + 1
    for key, count in counts.items():
        record_audit(acting_user, "timetable.lesson.cancelled", alliances[key], changes={"rows": count})


def register() -> None:
    register_demo_step(DemoStep("timetable", 30, build_timetables))
    register_demo_step(DemoStep("timetable.series", 60, build_series))
