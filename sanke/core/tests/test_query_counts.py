"""Every page sends the same number of queries whatever the size of the county (a query-count baseline,
as NetBox keeps one).

A page whose query count grows with its data (a query per row in a template, a roster that is not
paginated, a prefetch per object) is what made a class page take a second at 34,000 people. This test
walks every page the county admin opens (the routes of the scope walk, so a new page is covered without
touching this file), opens each as the county admin, a school admin and a teacher, counts the queries on the
demo county, then grows the county — more schools, classes, students with guardians, classrooms with
equipment, teachers with accounts, a second scheduled series, notices, audit rows — and counts again.
Every page must send exactly as many queries as before.

Data is grown through the real actions (STYLE.md), twice: the first growth fills lists that the demo leaves
empty (an empty list needs no prefetch query), the second triples it; the counts of the two are compared.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.test import Client

from sanke.accounts.actions import do_create_account, do_grant_role
from sanke.accounts.choices import Role
from sanke.core import pages
from sanke.core.tests.test_scope_walk import owner_pages
from sanke.notifications.actions import do_notify
from sanke.org.actions import (
    do_link_guardian,
    do_save_class_group,
    do_save_classroom,
    do_save_equipment,
    do_save_grade,
    do_save_person,
    do_save_school,
)
from sanke.org.choices import EquipmentKind, PersonKind, SchoolKind
from sanke.org.models import ClassGroup, Classroom, Equipment, Grade, Person, School
from sanke.recordings.actions import do_create_upload
from sanke.testing.factories import national_id, place_series
from sanke.testing.queries import counted_queries
from sanke.timetable.models import Lesson, SyncSeries

WALKERS = ["county_admin", "school_admin", "teacher"]
# Pages that show a whole working set by design, with why; their query count must still stay fixed.
ALL_ROWS_BY_DESIGN = {
    # an alliance's series are placed together by the co-scheduler and summed per end against the policy:
    # the page is the plan of one alliance (a handful of series), not a list that grows with the county
    r"^/alliances/\d+/$": "an alliance's series and their ends",
    # the county-wide scheduling run shows every pending series of the region it places at once
    r"^/alliances/regions/\d+/schedule/$": "every series of the region, scheduled together",
}
_serial = itertools.count(1)
_school_codes = itertools.count(10)


def _n() -> int:
    return next(_serial)


def _student(school, class_group, *, with_guardian: bool):
    n = _n()
    student = do_save_person(
        Person(
            school=school,
            kind=PersonKind.STUDENT,
            name=f"学生{n}",
            number=f"G{n:07d}",
            class_group=class_group,
            national_id=national_id(n % 1000, birth=f"2015{n // 28 % 12 + 1:02d}{n % 28 + 1:02d}"),
            phone=f"139{n:08d}",
        ),
        acting_user=None,
    )
    if with_guardian:
        guardian = do_save_person(
            Person(school=school, kind=PersonKind.GUARDIAN, name=f"家长{n}", phone=f"137{n:08d}"),
            acting_user=None,
        )
        do_link_guardian(guardian, student, acting_user=None)
    return student


def _teacher(school, *, with_account: bool):
    n = _n()
    teacher = do_save_person(
        Person(school=school, kind=PersonKind.TEACHER, name=f"教师{n}", number=f"T{n:07d}", subjects="数学"),
        acting_user=None,
    )
    if with_account:
        user = do_create_account(
            username=f"grown{n}", password="Sanke@2026x", person=teacher, acting_user=None
        )
        do_grant_role(user, Role.TEACHER, school=school, acting_user=None)
    return teacher


def _classroom(school, home_class=None):
    classroom = do_save_classroom(
        Classroom(
            school=school, name=f"教室{_n()}", receiver_capable=True, home_class=home_class, capacity=45
        ),
        acting_user=None,
    )
    for kind in (EquipmentKind.CAMERA, EquipmentKind.BIG_SCREEN):
        do_save_equipment(Equipment(classroom=classroom, kind=kind, model_name="型号"), acting_user=None)
    return classroom


def _class(school, number):
    grade = Grade.objects.filter(school=school, number=number).first()
    if grade is None:
        grade = do_save_grade(Grade(school=school, number=number), acting_user=None)
    return do_save_class_group(ClassGroup(school=school, grade=grade, name=f"({_n()})班"), acting_user=None)


def _first_lesson(world):
    return Lesson.objects.filter(series__alliance=world.alliances["english"]).first()


def grow(world, times: int) -> None:
    """``times`` more of everything a page of 淳安县 lists, at the objects the walk opens."""
    county = world.regions["330127"]
    for _ in range(times):
        school = do_save_school(
            School(
                code=f"21330127{next(_school_codes)}",
                name=f"新增学校{_n()}",
                kind=SchoolKind.PRIMARY,
                region=county,
            ),
            acting_user=None,
        )
        do_save_school(
            School(
                code=f"21330127{next(_school_codes)}",
                name=f"新增教学点{_n()}",
                kind=SchoolKind.TEACHING_POINT,
                region=county,
                central_school=world.schools["host"],
            ),
            acting_user=None,
        )
        for existing in ("host", "central", "longjing", "xiajiang", "junior"):
            school_obj = world.schools[existing]
            new_class = _class(school_obj, 1 + _n() % 6)
            _classroom(school_obj, home_class=new_class)
            uploader = _teacher(school_obj, with_account=True).user
            _teacher(school_obj, with_account=False)
            do_create_upload(
                acting_user=uploader,
                school=school_obj,
                lesson=school_obj.pk == world.schools["host"].pk and _first_lesson(world) or None,
                title=f"实录{_n()}",
                file_name="lesson.mp4",
                length=1000,
            )
            for class_group in [new_class, *school_obj.class_groups.all()[:3]]:
                for _ in range(2):
                    _student(school_obj, class_group, with_guardian=True)
        _class(school, 3)
        _teacher(school, with_account=True)
        for class_group in (world.classes["host-31"], world.classes["longjing-3"]):
            for _ in range(3):
                _student(class_group.school, class_group, with_guardian=True)
        do_notify([s.pk for s in world.schools.values()], f"通知{_n()}")
        host_teacher = _teacher(world.schools["host"], with_account=False)
        place_series(
            SyncSeries(
                alliance=world.alliances["english"],
                subject="美术",
                host_teacher=host_teacher,
                host_classroom=world.classrooms["host-studio"],
                lessons_per_week=1,
            ),
            [world.classes["central-4"]],
            time_limit=2,
        )


ROW = re.compile(r"<(tr|li)[\s>]")
PAGINATION = re.compile(r'<ul class="pagination.*?</ul>', re.S)  # page links appear once a list has two


def _counts(world, urls) -> dict[tuple[str, str], tuple[int, int]]:
    """(queries, rows) of every page that answers 200, per walker: rows are the ``<tr>`` and ``<li>`` of
    its HTML (a roster, a list, a panel)."""
    counts = {}
    for persona in WALKERS:
        client = Client(raise_request_exception=True)
        client.force_login(world.users[persona])
        client.get("/")  # the session and the user's caches are warm, as on any page after the first
        for url in urls:
            with counted_queries() as log:
                response = client.get(url)
            if response.status_code == 200:
                html = response["Content-Type"].startswith("text/html")
                body = PAGINATION.sub("", response.content.decode()) if html else ""
                counts[(persona, url)] = (len(log.work), len(ROW.findall(body)))
    return counts


@pytest.mark.django_db
def test_every_page_sends_as_many_queries_and_shows_as_many_rows_in_a_bigger_county(world, monkeypatch):
    """Lists show pages of ``PAGE_SIZE`` rows and detail pages the first ``PAGE_SIZE`` of a related set with
    a link to the rest; with a page of two rows, the first growth already fills every page, so a page
    that shows more rows after the second growth shows everything it has."""
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    # the status page probes services (seconds of timeouts without them) and lists no data
    urls = [url for url in owner_pages(world) if url != "/system/status/"]
    grow(world, 1)
    before = _counts(world, urls)
    assert len(before) >= 60, f"only {len(before)} pages answered 200; is the walk broken?"
    grow(world, 2)
    after = _counts(world, urls)
    grown = []
    for key in sorted(before):
        (queries, rows), (queries_after, rows_after) = before[key], after.get(key, (None, None))
        if queries_after != queries:
            grown.append(f"{key[0]} {key[1]}: {queries} → {queries_after} queries")
        if rows_after != rows and not any(re.match(p, key[1]) for p in ALL_ROWS_BY_DESIGN):
            grown.append(f"{key[0]} {key[1]}: {rows} → {rows_after} rows")
    assert not grown, "pages that grow with the county:\n" + "\n".join(grown)
