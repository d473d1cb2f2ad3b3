"""Live lesson lifecycle and interaction events, persisted and authorised, with the demo county."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sanke.accounts.actions import do_create_account, do_grant_role
from sanke.accounts.choices import Role
from sanke.core.models import AuditEvent
from sanke.live.access import participant
from sanke.live.actions import (
    PendingEvent,
    do_end_lesson,
    do_mark_missed_lessons,
    do_record_event,
    do_record_events,
    do_start_lesson,
)
from sanke.live.events import replay
from sanke.live.models import LessonEvent
from sanke.live.selectors import last_event_seq
from sanke.timetable.choices import LessonStatus
from sanke.timetable.models import Lesson, SyncSeries

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def tuesday_english():
    return Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))


def live_lesson(world):
    lesson = tuesday_english()
    do_start_lesson(
        lesson, acting_user=world.users["teacher"], now=lesson.starts_at - dt.timedelta(minutes=5)
    )
    return lesson


def test_who_takes_part_and_as_what(world):
    lesson = tuesday_english()
    longjing_room = world.classrooms["longjing"]
    assert participant(world.users["teacher"], lesson).role == "host"
    assert participant(world.users["school_admin"], lesson).role == "host"  # host school admin, coordinator
    terminal = participant(world.users["terminal_longjing"], lesson)
    assert terminal.role == "classroom" and terminal.classroom_id == longjing_room.pk
    assert participant(world.users["inspector"], lesson).role == "observer"
    assert participant(world.users["outsider_teacher"], lesson) is None
    assert participant(world.users["outsider_admin"], lesson) is None
    student = participant(world.users["student"], lesson)  # a student of a receiving class, on a phone
    assert student.role == "student" and student.classroom_id == longjing_room.pk
    assert participant(world.users["guardian"], lesson) is None


def test_a_terminal_joins_only_lessons_of_its_own_classroom(world, county_admin):
    # given a terminal of a classroom that receives nothing in this lesson
    user = do_create_account(username="terminal_host31", password="Term#Pass1", acting_user=county_admin)
    do_grant_role(
        user, Role.CLASSROOM_TERMINAL, classroom=world.classrooms["host-3-1"], acting_user=county_admin
    )
    assert participant(user, tuesday_english()) is None


def test_the_host_starts_within_the_window_and_it_is_audited(world):
    lesson = tuesday_english()
    with pytest.raises(ValidationError):
        do_start_lesson(
            lesson, acting_user=world.users["teacher"], now=lesson.starts_at - dt.timedelta(hours=2)
        )
    with pytest.raises(PermissionDenied):
        do_start_lesson(lesson, acting_user=world.users["terminal_longjing"], now=lesson.starts_at)
    event = do_start_lesson(lesson, acting_user=world.users["teacher"], now=lesson.starts_at)
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.LIVE and event.seq == 1 and event.type == "lesson.started"
    assert AuditEvent.objects.filter(action="live.lesson.started", target_id=str(lesson.pk)).exists()
    with pytest.raises(ValidationError):  # only once
        do_start_lesson(lesson, acting_user=world.users["teacher"], now=lesson.starts_at)


def test_classrooms_speak_only_for_themselves(world):
    lesson = live_lesson(world)
    terminal, room = world.users["terminal_longjing"], world.classrooms["longjing"].pk
    do_record_event(lesson, "classroom.joined", {"classroom": room}, acting_user=terminal)
    do_record_event(lesson, "hand.raised", {"classroom": room}, acting_user=terminal)
    with pytest.raises(PermissionDenied):
        do_record_event(lesson, "hand.raised", {"classroom": room + 1000}, acting_user=terminal)
    with pytest.raises(PermissionDenied):
        do_record_event(
            lesson,
            "quiz.started",
            {"quiz": 1, "kind": "single", "question": "?", "options": ["A", "B"]},
            acting_user=terminal,
        )
    with pytest.raises(PermissionDenied):
        do_record_event(lesson, "chat.message", {"text": "hi"}, acting_user=world.users["inspector"])
    with pytest.raises(ValidationError):
        do_record_event(lesson, "hand.raised", {"classroom": "longjing"}, acting_user=terminal)
    assert list(LessonEvent.objects.filter(lesson=lesson).values_list("seq", "type")) == [
        (1, "lesson.started"),
        (2, "classroom.joined"),
        (3, "hand.raised"),
    ]


def test_a_quiz_round_trip_and_the_end_are_reproduced_by_replay(world):
    lesson = live_lesson(world)
    teacher, terminal, room = (
        world.users["teacher"],
        world.users["terminal_longjing"],
        world.classrooms["longjing"].pk,
    )
    do_record_event(lesson, "classroom.joined", {"classroom": room}, acting_user=terminal)
    do_record_event(
        lesson,
        "quiz.started",
        {"quiz": 1, "kind": "true_false", "question": "3>2?", "options": ["对", "错"]},
        acting_user=teacher,
    )
    do_record_event(
        lesson,
        "quiz.answered",
        {"quiz": 1, "classroom": room, "counts": {"对": 11, "错": 1}},
        acting_user=terminal,
    )
    do_record_event(lesson, "rollcall.started", {"rollcall": 1}, acting_user=teacher)
    do_record_event(
        lesson, "rollcall.reported", {"rollcall": 1, "classroom": room, "present": 12}, acting_user=terminal
    )
    do_end_lesson(lesson, acting_user=teacher)
    with pytest.raises(ValidationError):  # nothing after the end
        do_record_event(lesson, "hand.raised", {"classroom": room}, acting_user=terminal)
    state = replay(LessonEvent.objects.filter(lesson=lesson).order_by("seq"))
    assert state.status == "ended"
    assert state.quizzes[1].totals() == {"对": 11, "错": 1}
    assert state.present() == {room: 12}
    assert state.attendance[room][0][1] is not None  # closed at the end
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.ENDED


def test_lessons_nobody_started_are_marked_missed(world):
    series = SyncSeries.objects.get(subject="英语")
    series.accepted_at = dt.datetime(2026, 11, 1, tzinfo=SHANGHAI)
    series.save()
    live = live_lesson(world)  # 11-24 was taught
    now = dt.datetime(2026, 12, 1, 12, tzinfo=SHANGHAI)
    marked = do_mark_missed_lessons(now=now)
    missed = set(Lesson.objects.filter(status=LessonStatus.MISSED).values_list("date", flat=True))
    # the Tuesdays and Thursdays between acceptance and now, except the one taught
    assert missed == {dt.date(2026, 11, d) for d in (3, 5, 10, 12, 17, 19, 26)} | {dt.date(2026, 12, 1)}
    assert marked == 8
    assert Lesson.objects.get(pk=live.pk).status == LessonStatus.ENDED  # taught, left open, closed
    assert Lesson.objects.get(date=dt.date(2026, 10, 27), series=series).status == LessonStatus.SCHEDULED
    assert do_mark_missed_lessons(now=now) == 0  # retry-safe


def test_the_lesson_record_page_shows_attendance_and_quiz_results(world, client_for):
    from django.urls import reverse

    lesson = live_lesson(world)
    teacher, terminal, room = (
        world.users["teacher"],
        world.users["terminal_longjing"],
        world.classrooms["longjing"].pk,
    )
    do_record_event(lesson, "classroom.joined", {"classroom": room}, acting_user=terminal)
    do_record_event(lesson, "rollcall.started", {"rollcall": 1}, acting_user=teacher)
    do_record_event(
        lesson, "rollcall.reported", {"rollcall": 1, "classroom": room, "present": 11}, acting_user=terminal
    )
    do_record_event(
        lesson,
        "quiz.started",
        {"quiz": 1, "kind": "single", "question": "几点了？", "options": ["A", "B"]},
        acting_user=teacher,
    )
    do_record_event(
        lesson,
        "quiz.answered",
        {"quiz": 1, "classroom": room, "counts": {"A": 9, "B": 2}},
        acting_user=terminal,
    )
    page = (
        client_for(world.users["county_admin"]).get(reverse("live:record", args=[lesson.pk])).content.decode()
    )
    assert "龙井教学点" in page and "11" in page and "几点了？" in page and "A: 9" in page
    assert (
        client_for(world.users["outsider_admin"]).get(reverse("live:record", args=[lesson.pk])).status_code
        == 404
    )


def test_a_lesson_left_live_is_closed_an_hour_after_its_end(world):
    lesson = live_lesson(world)
    do_mark_missed_lessons(now=lesson.ends_at + dt.timedelta(hours=2))
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.ENDED
    assert LessonEvent.objects.filter(lesson=lesson, type="lesson.ended").exists()


def test_the_host_may_lower_hands_but_not_speak_for_a_classroom(world):
    lesson = live_lesson(world)
    teacher, room = world.users["teacher"], world.classrooms["longjing"].pk
    do_record_event(lesson, "hand.lowered", {"classroom": room}, acting_user=teacher)
    with pytest.raises(PermissionDenied):
        do_record_event(lesson, "classroom.joined", {"classroom": room}, acting_user=teacher)


def test_a_batch_of_events_is_numbered_per_lesson_in_three_queries(world, django_assert_num_queries):
    """Group commit: events of several lessons in one transaction, numbers gap-free per lesson."""
    first = live_lesson(world)
    other = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 26))
    do_start_lesson(other, acting_user=world.users["teacher"], now=other.starts_at)
    not_live = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 12, 1))
    room = world.classrooms["longjing"].pk
    actor = world.users["terminal_longjing"].pk
    batch = [
        PendingEvent(lesson.pk, "hand.raised", {"classroom": room}, actor)
        for lesson in (first, other, first, not_live, other, first)
    ]
    # lock and read the numbers, insert, update the numbers (+ SAVEPOINT/RELEASE: tests run in a transaction)
    with django_assert_num_queries(5):
        stored = do_record_events(batch)
    assert [(e.lesson_id, e.seq) if e else None for e in stored] == [
        (first.pk, 2),
        (other.pk, 2),
        (first.pk, 3),
        None,  # not live: not stored
        (other.pk, 3),
        (first.pk, 4),
    ]
    assert list(LessonEvent.objects.filter(lesson=first).values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert last_event_seq(first.pk) == 4
    assert last_event_seq(not_live.pk) == 0
    assert not LessonEvent.objects.filter(lesson=not_live).exists()


def test_the_lesson_record_shows_times_on_the_school_clock(world, client_for):
    """Attendance times are stored in UTC; the page shows Beijing time (UTC+8), never the UTC wall clock."""
    from django.urls import reverse

    # given a classroom that joined a live lesson
    lesson = live_lesson(world)
    room = world.classrooms["longjing"].pk
    do_record_event(
        lesson, "classroom.joined", {"classroom": room}, acting_user=world.users["terminal_longjing"]
    )
    joined = LessonEvent.objects.get(lesson=lesson, type="classroom.joined").created_at
    # when the county reads the record
    page = (
        client_for(world.users["county_admin"]).get(reverse("live:record", args=[lesson.pk])).content.decode()
    )
    # then the joining time reads on the school's clock
    assert joined.astimezone(SHANGHAI).strftime("%H:%M:%S") in page
    assert joined.astimezone(dt.UTC).strftime("%H:%M:%S") not in page


@pytest.mark.clock("2026-11-24 09:00")  # the morning of a Tuesday with the English lesson
def test_the_terminal_agenda_is_the_terminals_own_day_only(world, client_for):
    from django.urls import reverse

    url = reverse("live:terminal_agenda")
    assert client_for(world.users["teacher"]).get(url).status_code == 403  # staff have their own pages
    agenda = client_for(world.users["terminal_longjing"]).get(url).json()
    assert agenda["next"]["subject"] == "英语"
    assert [item["subject"] for item in agenda["today"]] == ["英语"]


def test_an_observer_is_told_plainly_that_watching_video_needs_janus(world, client_for, settings):
    from django.urls import reverse

    # given the platform without Janus (peer to peer)
    settings.SANKE_MEDIA_BACKEND = "p2p"
    page = client_for(world.users["inspector"]).get(reverse("live:room", args=[tuesday_english().pk]))
    # then the inspector's page says what watching needs, instead of promising video
    assert "收看课堂视频需要 Janus 媒体服务器" in page.content.decode()
