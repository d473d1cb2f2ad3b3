"""State changes of timetables, in three parts:

- ``setup``: terms with their calendar, period grids (节次), timetable entries;
- ``series``: sync-course series: save, schedule, accept;
- ``schedule_jobs``: the co-scheduling of an alliance or a region as a background job;
- ``lessons``: single lessons: move, cancel, and the status changes the live lesson makes;
- ``feeds``: resetting calendar addresses.

The ``do_*`` actions are re-exported here, so ``from sanke.timetable.actions import do_x`` keeps working.
"""

from sanke.timetable.actions.feeds import do_reset_calendar_links, do_reset_classroom_calendar_links
from sanke.timetable.actions.lessons import (
    do_cancel_lesson,
    do_decide_lesson_move,
    do_mark_lesson_ended,
    do_mark_lesson_live,
    do_mark_lesson_missed,
    do_move_lesson,
    do_request_lesson_move,
)
from sanke.timetable.actions.schedule_jobs import ScheduleJobBusy, do_submit_schedule_job
from sanke.timetable.actions.series import do_accept_proposals, do_save_series, do_schedule_series
from sanke.timetable.actions.setup import do_delete_entry, do_save_entry, do_save_term, do_set_period_grid

__all__ = [
    "ScheduleJobBusy",
    "do_accept_proposals",
    "do_cancel_lesson",
    "do_decide_lesson_move",
    "do_delete_entry",
    "do_mark_lesson_ended",
    "do_mark_lesson_live",
    "do_mark_lesson_missed",
    "do_move_lesson",
    "do_request_lesson_move",
    "do_reset_calendar_links",
    "do_reset_classroom_calendar_links",
    "do_save_entry",
    "do_save_series",
    "do_save_term",
    "do_schedule_series",
    "do_set_period_grid",
    "do_submit_schedule_job",
]
