"""The county generator at its tiny size: the shape of the world it builds, on top of the demo county."""

from __future__ import annotations

import datetime as dt
import io
import random
import zoneinfo
from dataclasses import replace

import pytest
from django.db import connection
from django.db.models import Count

from sanke.accounts.choices import Role
from sanke.accounts.models import RoleAssignment, User
from sanke.alliances.models import Alliance
from sanke.core.crypto import digest
from sanke.live.events import replay
from sanke.live.models import LessonEvent, LiveSession
from sanke.org.choices import PersonKind, SchoolKind
from sanke.org.models import ClassGroup, Classroom, Person, School
from sanke.site.county import SIZES, build_county, plan_county
from sanke.timetable.choices import LessonStatus, SeriesStatus
from sanke.timetable.models import Lesson, SyncSeries

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
GENERATED = "1330127"  # school ids of the generated schools of 淳安县 start with 1 + the division code


@pytest.fixture
def county(world):
    summary = build_county("tiny", seed=7, now=NOW)
    return summary


def generated_schools():
    return School.objects.filter(code__startswith=GENERATED)


def test_it_builds_schools_teaching_points_classes_and_people(county):
    schools = generated_schools()
    assert schools.count() == 3
    assert schools.filter(kind=SchoolKind.TEACHING_POINT, central_school__isnull=False).count() == 1
    classes = ClassGroup.objects.filter(school__in=schools).annotate(n=Count("students"))
    assert classes.exists()
    assert not classes.filter(n=0).exists(), "every class has students"
    assert not classes.filter(head_teacher__isnull=True).exists()
    students = Person.objects.filter(school__in=schools, kind=PersonKind.STUDENT)
    assert 55 <= students.count() <= 70
    assert not students.filter(guardians__isnull=True).exists(), "every student has a guardian"
    assert Person.objects.filter(school__in=schools, kind=PersonKind.TEACHER, user__isnull=True).count() == 0
    assert county.counts["students"] >= students.count()


def test_personal_data_is_encrypted_and_digested_as_the_model_does(county):
    student = Person.objects.filter(school__in=generated_schools(), kind=PersonKind.STUDENT).first()
    guardian = student.guardians.get()
    assert student.national_id_digest == digest(student.national_id) != ""
    assert guardian.phone_digest == digest(guardian.phone) != ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT national_id FROM {Person._meta.db_table} WHERE id = %s", [student.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("enc1:") and student.national_id not in stored


def test_classrooms_have_equipment_and_receiving_ones_a_terminal(county):
    rooms = Classroom.objects.filter(school__in=generated_schools())
    assert rooms.filter(host_capable=True, recording_capable=True).exists()
    receivers = rooms.filter(receiver_capable=True)
    assert receivers.exists()
    assert not rooms.annotate(n=Count("equipment")).filter(n=0).exists()
    terminals = RoleAssignment.objects.filter(role=Role.CLASSROOM_TERMINAL, classroom__in=receivers)
    assert terminals.count() == receivers.count()
    for username, _role, _scope in county.logins:
        assert User.objects.filter(username=username).exists()


def test_series_are_scheduled_and_the_past_is_taught_missed_or_cancelled(county):
    series = SyncSeries.objects.filter(alliance__host_school__in=generated_schools())
    assert series.count() >= 4
    assert not series.exclude(status=SeriesStatus.ACCEPTED).exists(), "every series placed and accepted"
    lessons = Lesson.objects.filter(series__in=series)
    assert not lessons.filter(ends_at__lt=NOW, status=LessonStatus.SCHEDULED).exists()
    assert lessons.filter(starts_at__gt=NOW, status=LessonStatus.SCHEDULED).exists()
    assert lessons.filter(status=LessonStatus.MISSED).exists()
    cancelled = lessons.filter(status=LessonStatus.CANCELLED)
    assert cancelled.exists() and not cancelled.filter(cancel_reason="").exists()
    assert not LessonEvent.objects.filter(
        lesson__status__in=[LessonStatus.MISSED, LessonStatus.CANCELLED]
    ).exists()


def test_taught_lessons_replay_to_an_ended_lesson_with_attendance_and_a_quiz(county):
    taught = Lesson.objects.filter(
        series__alliance__host_school__in=generated_schools(), status=LessonStatus.ENDED
    )
    assert taught.count() > 20
    for lesson in taught.prefetch_related("events"):
        events = list(lesson.events.all())
        state = replay(events)
        session = LiveSession.objects.get(lesson=lesson)
        assert state.status == "ended"
        assert state.last_seq == session.event_seq == len(events)
        assert not session.is_live
        assert lesson.starts_at - dt.timedelta(minutes=6) <= events[0].created_at < lesson.ends_at
        assert events[-1].created_at >= lesson.ends_at
        assert state.attendance and not state.connected
        assert state.quizzes[1].closed and state.present()


def test_the_county_admin_sees_the_county_and_the_outsider_nothing_of_it(county):
    county_admin = User.objects.get(username="county_admin")
    outsider = User.objects.get(username="outsider_admin")
    codes = set(generated_schools().values_list("code", flat=True))
    assert codes <= set(School.objects.visible_to(county_admin).values_list("code", flat=True))
    students = Person.objects.filter(school__code__in=codes, kind=PersonKind.STUDENT)
    visible = Person.objects.visible_to(county_admin).filter(kind=PersonKind.STUDENT, school__code__in=codes)
    assert visible.count() == students.count()
    assert not School.objects.visible_to(outsider).filter(code__in=codes).exists()
    assert not Person.objects.visible_to(outsider).filter(school__code__in=codes).exists()
    assert not Alliance.objects.visible_to(outsider).filter(host_school__code__in=codes).exists()
    assert (
        not Lesson.objects.visible_to(outsider).filter(series__alliance__host_school__code__in=codes).exists()
    )


def test_the_plan_is_deterministic_by_seed():
    def names(seed):
        plan = plan_county(SIZES["county"], "330127", "淳安县", random.Random(seed))
        return [(s.code, s.name, s.classes, s.teachers) for s in plan]

    first = names(1)
    assert first == names(1)
    assert first != names(2)
    assert 125 <= len(first) <= 175
    assert 36_000 <= sum(n for _c, _n, classes, _t in first for _g, _name, n in classes) <= 46_000
    assert 2_200 <= sum(len(teachers) for *_rest, teachers in first) <= 2_900


def test_a_city_fills_several_counties_each_with_its_own_admin(world, monkeypatch):
    monkeypatch.setitem(SIZES, "three", replace(SIZES["tiny"], counties=3))
    summary = build_county("three", seed=3, now=NOW)
    assert summary.region_codes == ["330127", "330182", "330122"]
    tonglu_admin = User.objects.get(username="admin-330122")
    tonglu = set(School.objects.filter(code__startswith="1330122").values_list("code", flat=True))
    assert len(tonglu) == 3
    assert set(School.objects.visible_to(tonglu_admin).values_list("code", flat=True)) == tonglu
    for code in summary.region_codes:
        accepted = SyncSeries.objects.filter(alliance__region__code=code, status=SeriesStatus.ACCEPTED)
        assert accepted.filter(alliance__host_school__code__startswith=f"1{code}").exists()


def test_load_demo_size_prints_progress_a_summary_and_logins(world, monkeypatch):
    from django.core.management import call_command

    from sanke.site.management.commands import load_demo

    monkeypatch.setattr(load_demo, "organisation_exists", lambda: False)  # the shared demo world is there
    out = io.StringIO()
    call_command("load_demo", "--size", "tiny", "--seed", "5", stdout=out)
    text = out.getvalue()
    assert "students" in text and "with their guardians" in text  # a stage's progress line
    assert "stage scheduling" in text and "total" in text  # the summary: time per stage
    assert "t-1330127001-T0001" in text and "county_admin" in text  # logins to try
    assert Person.objects.filter(school__code__startswith=GENERATED, kind=PersonKind.STUDENT).exists()
