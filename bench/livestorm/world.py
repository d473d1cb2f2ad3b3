"""The world a storm runs in: live lessons of 1 host teacher + 6 classroom terminals, and their logins.

Built in this process through the apps' actions (org, accounts, alliances, timetable, live), so the
platform's validation and audit run as in production; only the ``Lesson`` rows are created directly.
Each member's login is a Django session, handed to the clients as a ``Cookie`` header value.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
from dataclasses import dataclass

from . import ROOT

MEMBERS = 7  # 1 host + 6 receiving classroom terminals
LESSONS_PER_BLOCK = 10  # lessons of one host school (10 studios, 10 host teachers, 6 receiving schools)
PASSWORD = "Lotus#Harbor-9473"


@dataclass
class LessonPlan:
    """One live lesson and the logins of its members; key 0 is the host, other keys are classroom ids."""

    lesson_id: int
    members: list[tuple[int, str]]  # (key, Cookie header value)


SUBJECTS = ["英语", "音乐", "美术", "科学", "信息技术", "心理健康"]
GRID = [(1, "08:00", "08:40"), (2, "08:50", "09:30"), (3, "09:50", "10:30"), (4, "10:40", "11:20")]


def build_world(lesson_count: int) -> list[LessonPlan]:
    """Create ``lesson_count`` live lessons through the actions and a session for each member.

    Passwords are hashed with MD5 here (as the test suite does): nobody logs in with them, and Argon2
    would spend minutes on thousands of accounts. The apps' validation and audit run as in production.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from sanke.accounts.actions import do_create_account, do_grant_role
    from sanke.accounts.choices import Role
    from sanke.alliances.actions import do_save_alliance
    from sanke.alliances.models import Alliance
    from sanke.live.actions import do_start_lesson
    from sanke.org.actions import (
        do_save_class_group,
        do_save_classroom,
        do_save_grade,
        do_save_person,
        do_save_region,
        do_save_school,
    )
    from sanke.org.choices import PersonKind, RegionLevel, SchoolKind
    from sanke.org.models import ClassGroup, Classroom, Grade, Person, Region, School
    from sanke.timetable.actions import do_save_series, do_set_period_grid
    from sanke.timetable.models import Lesson, Period, SyncSeries

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    today = timezone.localdate()
    now = timezone.now()
    counter = {"school": 0, "user": 0}

    def school(county, name, kind=SchoolKind.PRIMARY):
        counter["school"] += 1
        code = f"2{county.code}{counter['school'] % 1000:03d}"
        return do_save_school(School(code=code, name=name, kind=kind, region=county), acting_user=None)

    def account(prefix, role, *, person=None, display_name="", **scope):
        counter["user"] += 1
        user = do_create_account(
            username=f"bench-{prefix}-{counter['user']}",
            password=PASSWORD,
            person=person,
            display_name=display_name,
            must_change_password=False,
            acting_user=None,
        )
        do_grant_role(user, role, acting_user=None, **scope)
        return user

    def session_cookie(user) -> str:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    plans: list[LessonPlan] = []
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        with transaction.atomic():
            province = do_save_region(
                Region(code="330000", name="浙江省", level=RegionLevel.PROVINCE), acting_user=None
            )
            city = do_save_region(
                Region(code="330100", name="杭州市", level=RegionLevel.CITY, parent=province),
                acting_user=None,
            )
            counties: list[Region] = []
            blocks = math.ceil(lesson_count / LESSONS_PER_BLOCK)
            for block in range(blocks):
                if block % 20 == 0:  # 20 host schools and their 120 receiving schools per county
                    number = len(counties) + 1
                    counties.append(
                        do_save_region(
                            Region(
                                code=f"3301{number:02d}",
                                name=f"测试县{number}",
                                level=RegionLevel.COUNTY,
                                parent=city,
                            ),
                            acting_user=None,
                        )
                    )
                county = counties[-1]
                host = school(county, f"主讲学校{block + 1}")
                do_set_period_grid(
                    host,
                    [(n, dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for n, a, b in GRID],
                    acting_user=None,
                )
                first_period = Period.objects.get(school=host, number=1)
                receivers = [school(county, f"接收学校{block + 1}-{j + 1}") for j in range(MEMBERS - 1)]
                alliance = do_save_alliance(
                    Alliance(
                        name=f"主讲学校{block + 1}专递课堂",
                        region=county,
                        host_school=host,
                        term_name="压测学期",
                        term_start=today - dt.timedelta(days=30),
                        term_end=today + dt.timedelta(days=120),
                    ),
                    receivers,
                    acting_user=None,
                )
                grades: dict[tuple[int, int], Grade] = {}
                in_block = min(LESSONS_PER_BLOCK, lesson_count - block * LESSONS_PER_BLOCK)
                for index in range(in_block):
                    grade_number, class_name = index // 2 + 1, f"({index % 2 + 1})班"
                    classes, terminals = [], []
                    for receiver in receivers:
                        grade = grades.get((receiver.pk, grade_number))
                        if grade is None:
                            grade = do_save_grade(
                                Grade(school=receiver, number=grade_number), acting_user=None
                            )
                            grades[(receiver.pk, grade_number)] = grade
                        class_group = do_save_class_group(
                            ClassGroup(school=receiver, grade=grade, name=class_name), acting_user=None
                        )
                        room = do_save_classroom(
                            Classroom(
                                school=receiver,
                                name=f"{grade_number}年级{class_name}教室",
                                receiver_capable=True,
                                home_class=class_group,
                                capacity=45,
                            ),
                            acting_user=None,
                        )
                        terminal = account(
                            "terminal",
                            Role.CLASSROOM_TERMINAL,
                            display_name=f"{receiver.name}{room.name}终端",
                            classroom=room,
                        )
                        classes.append(class_group)
                        terminals.append((room.pk, terminal))
                    studio = do_save_classroom(
                        Classroom(
                            school=host,
                            name=f"录播教室{index + 1}",
                            host_capable=True,
                            recording_capable=True,
                        ),
                        acting_user=None,
                    )
                    person = do_save_person(
                        Person(
                            school=host,
                            kind=PersonKind.TEACHER,
                            name=f"主讲教师{block + 1}-{index + 1}",
                            number=f"T{index + 1:04d}",
                            subjects=SUBJECTS[index % len(SUBJECTS)],
                        ),
                        acting_user=None,
                    )
                    teacher = account("host", Role.TEACHER, person=person, school=host)
                    series = do_save_series(
                        SyncSeries(
                            alliance=alliance,
                            subject=SUBJECTS[index % len(SUBJECTS)],
                            host_teacher=person,
                            host_classroom=studio,
                            lessons_per_week=1,
                        ),
                        classes,
                        acting_user=None,
                    )
                    lesson = Lesson.objects.create(
                        series=series,
                        date=today,
                        host_period=first_period,
                        starts_at=now - dt.timedelta(minutes=1),
                        ends_at=now + dt.timedelta(minutes=39),
                    )
                    do_start_lesson(lesson, acting_user=teacher)
                    members = [(0, session_cookie(teacher))]
                    members += [(room_id, session_cookie(user)) for room_id, user in terminals]
                    plans.append(LessonPlan(lesson.pk, members))
    return plans


def setup_django() -> None:
    """Django in this process too: the world is built through the apps' actions, not by hand."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanke.settings")
    import django

    django.setup()
