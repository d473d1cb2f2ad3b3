"""Every URL and API route respects scope.

The test walks the URL resolver, so a route added later is covered without touching this file: for each
route that takes an object id it finds the model from the route itself (``schools/<pk>`` → School,
``<classroom_pk>`` → Classroom) and asks for an object the user may not see. A route whose model it
cannot infer fails the test, so nobody can add an unscoped route silently.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db.models import Max
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sanke.accounts.models import RoleAssignment, User
from sanke.alliances.models import Alliance
from sanke.core.models import AuditEvent, ImportJob
from sanke.org.models import ClassGroup, Classroom, Equipment, Person, Region, School
from sanke.recordings.models import Chapter, Recording
from sanke.recordings.tests.factories import published_recording
from sanke.supervision.models import ReportJob
from sanke.testing.factories import place_series
from sanke.timetable.models import Lesson, LessonMoveRequest, ScheduleJob, SyncSeries, Term, TimetableEntry

SEGMENT_MODELS = {
    "regions": Region,
    "schools": School,
    "classes": ClassGroup,
    "classrooms": Classroom,
    "equipment": Equipment,
    "people": Person,
    "roles": RoleAssignment,
    "accounts": User,
    "alliances": Alliance,
    "series": SyncSeries,
    "terms": Term,
    "entries": TimetableEntry,
    "teachers": Person,
    "lessons": Lesson,
    "move-requests": LessonMoveRequest,
    "jobs": ImportJob,
    "schedule-jobs": ScheduleJob,
    "recordings": Recording,
    "report-jobs": ReportJob,
}
KWARG_MODELS = {
    "school_pk": School,
    "classroom_pk": Classroom,
    "person_pk": Person,
    "region_pk": Region,
    "class_pk": ClassGroup,
    "alliance_pk": Alliance,
    "chapter_id": Chapter,
}
DELETE_KINDS = {
    "grade": "grade",
    "class": ClassGroup,
    "classroom": Classroom,
    "equipment": Equipment,
    "person": Person,
}
SKIPPED_PREFIXES = ("django-admin/", "i18n/", "static/", "media/")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}", entry


def all_routes():
    """(route text, url name, kwarg names) of every named route, DRF format-suffix variants excluded."""
    routes = []
    for route, name, entry in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or route.lstrip("^").startswith(SKIPPED_PREFIXES):
            continue
        pattern = entry.pattern
        kwargs = list(getattr(pattern, "converters", {}) or {}) or list(pattern.regex.groupindex)
        if "format" in kwargs:
            continue
        routes.append((route, name, kwargs))
    return routes


OBJECTLESS_KWARGS = (["kind", "fmt"], ["token"])  # import templates; iCal feeds (a signed token, no login)


def object_routes():
    """Routes that name an object."""
    return [r for r in all_routes() if r[2] and r[2] not in OBJECTLESS_KWARGS]


def objectless_routes():
    return [r for r in all_routes() if not r[2] or r[2] in OBJECTLESS_KWARGS]


def model_for(route: str, kwarg: str):
    if kwarg in KWARG_MODELS:
        return KWARG_MODELS[kwarg]
    before = re.split(r"<[^>]*pk>|\(\?P<pk>", route)[0].replace("^", "").strip("/").split("/")
    segment = before[-1] if before else ""
    if segment not in SEGMENT_MODELS:
        pytest.fail(f"route {route!r}: cannot tell which model '{kwarg}' refers to; extend SEGMENT_MODELS")
    return SEGMENT_MODELS[segment]


def urls_for(route, name, kwargs, targets):
    """Concrete URLs of one route, pointed at the forbidden targets."""
    if not kwargs:
        return [reverse(name)]
    if kwargs == ["kind", "pk"]:  # the delete route: one URL per deletable kind
        urls = []
        for kind, model in DELETE_KINDS.items():
            obj = targets["grade"] if model == "grade" else targets[model]
            urls.append(reverse(name, kwargs={"kind": kind, "pk": obj.pk}))
        return urls
    if kwargs == ["kind", "fmt"]:  # import templates: no object behind them
        return [reverse(name, kwargs={"kind": "students", "fmt": "xlsx"})]
    if kwargs == ["token"]:  # a forged feed token must give nothing
        return [reverse(name, kwargs={"token": "forged-token"})]
    if kwargs == ["upload_id"]:  # a recording's resumable upload (tus), named by its upload id
        return [reverse(name, kwargs={"upload_id": targets[Recording].upload_id})]
    if kwargs[:2] == ["pk", "rendition"]:  # a recording's media: playlist, or a segment by a signed link
        return [targets["recording-media"][len(kwargs) - 2]]
    values = {kwarg: targets[model_for(route, kwarg)].pk for kwarg in kwargs}
    return [reverse(name, kwargs=values)]


def snapshot():
    """Row counts and last change of every Sanke model: a refused request must leave them as they were."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in {"core", "accounts", "org", "supervision"}:
            state[model._meta.label] = model.objects.count()
            if any(f.name == "updated_at" for f in model._meta.fields):
                state[model._meta.label + ".updated"] = model.objects.aggregate(m=Max("updated_at"))["m"]
    return state


def county_targets(world):
    """Objects of 淳安县 (host school) that a user of another county may not see."""
    host = world.schools["host"]
    return {
        Region: world.regions["330127"],
        School: host,
        ClassGroup: world.classes["host-31"],
        Classroom: world.classrooms["host-studio"],
        Equipment: world.classrooms["host-studio"].equipment.first(),
        Person: world.people["music"],
        RoleAssignment: RoleAssignment.objects.get(user=world.users["teacher"]),
        User: world.users["teacher"],
        Alliance: Alliance.objects.get(host_school=host),
        SyncSeries: SyncSeries.objects.get(subject="英语"),
        Lesson: Lesson.objects.filter(series__subject="英语").first(),
        Term: host.terms.first(),
        TimetableEntry: TimetableEntry.objects.filter(class_group__school=host).first(),
        ImportJob: import_job_at(host, world.users["school_admin"]),
        ScheduleJob: schedule_job_of(Alliance.objects.get(host_school=host)),
        ReportJob: report_job_at(host, world.users["school_admin"]),
        LessonMoveRequest: move_request_of(Lesson.objects.filter(series__subject="英语").first()),
        "grade": host.grades.first(),
        **recording_targets(
            Lesson.objects.filter(series__subject="英语").first(), world.users["county_admin"]
        ),
    }


def recording_targets(lesson, viewer):
    """A published recording of ``lesson``, its chapter, and its media URLs signed for ``viewer`` (a link
    copied from someone who may watch: it must give nothing to anyone else)."""
    recording, media = published_recording(lesson, viewer)
    return {Recording: recording, Chapter: recording.chapters.get(), "recording-media": media}


def report_job_at(school, user):
    """A finished term report of ``school`` (placed as the dashboard places it)."""
    import datetime as dt

    from sanke.supervision.report_jobs import report_dir

    job = ReportJob.objects.create(
        place_school=school,
        school=school,
        region_code=school.region.code,
        date=dt.date(2026, 11, 25),
        title="学期报告",
        status="done",
        submitted_by=user,
        xlsx_name="report.xlsx",
        pdf_name="report.pdf",
    )
    report_dir(job).mkdir(parents=True, exist_ok=True)
    for name in (job.xlsx_name, job.pdf_name):  # the files exist, so the owner's download answers 200
        (report_dir(job) / name).write_bytes(b"placeholder")
    return job


def import_job_at(school, user):
    """A finished import job placed at ``school`` (as the import page places a school admin's)."""
    return ImportJob.objects.create(
        submitted_by=user,
        kind="teachers",
        audit_action="org.import.teachers",
        file_name="教师.xlsx",
        status="done",
        region_code=school.region.code,
        school=school,
    )


def schedule_job_of(alliance):
    """A finished co-scheduling job of ``alliance``: seen only by those who may schedule it."""
    return ScheduleJob.objects.create(
        alliance=alliance, lock_key=f"alliance:{alliance.pk}", region_code=alliance.region.code, status="done"
    )


def move_request_of(lesson):
    """A pending request to move ``lesson`` a day later, as its teacher would send it."""
    return LessonMoveRequest.objects.create(
        lesson=lesson,
        requested_by=lesson.series.host_teacher.user or User.objects.first(),
        date=lesson.date + dt.timedelta(days=1),
        start_minute=16 * 60,
    )


def school_targets(world):
    """Objects of another school in the same county, for a school-scoped user of the host school."""
    central = world.schools["central"]
    alliance = Alliance.objects.get(host_school=central)
    series = place_series(
        SyncSeries(
            alliance=alliance,
            subject="音乐",
            host_teacher=world.people["central-music"],
            host_classroom=world.classrooms["central-studio"],
            lessons_per_week=1,
        ),
        [world.classes["longjing-3"]],
    )
    return {
        Region: world.regions["330182"],
        School: central,
        ClassGroup: world.classes["central-4"],
        Classroom: world.classrooms["central-4"],
        Equipment: world.classrooms["central-4"].equipment.first(),
        Person: world.people["central-teacher"],
        RoleAssignment: RoleAssignment.objects.get(user=world.users["county_admin"]),
        User: world.users["student"],
        Alliance: alliance,
        SyncSeries: series,
        Lesson: series.lessons.first(),
        Term: central.terms.first(),
        TimetableEntry: TimetableEntry.objects.filter(class_group__school=central).first(),
        ImportJob: import_job_at(central, world.users["county_admin"]),
        ScheduleJob: schedule_job_of(alliance),
        ReportJob: report_job_at(central, world.users["county_admin"]),
        LessonMoveRequest: move_request_of(series.lessons.first()),
        "grade": central.grades.first(),
        **recording_targets(series.lessons.first(), world.users["county_admin"]),
    }


FORBIDDEN_COUNTY_NAMES = ["千岛湖镇第一小学", "枫树岭镇中心小学", "龙井教学点", "王芳", "李明", "录播教室"]


def _check_refused(client, urls, before, who):
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            # 405: the method does not exist there (POST-only actions, the read-only API)
            assert response.status_code in (403, 404, 405), (
                f"{who} {method.upper()} {url} → {response.status_code}"
            )
    assert snapshot() == before, f"a refused request by {who} changed data"


@pytest.mark.django_db
def test_every_object_route_refuses_a_user_of_another_county(world, outsider, client_for):
    client = client_for(outsider)
    targets = county_targets(world)
    routes = object_routes()
    assert len(routes) >= 25, "the walk found too few routes; is the resolver walk broken?"
    urls = [url for route in routes for url in urls_for(*route, targets)]
    _check_refused(client, urls, snapshot(), "outsider")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider_teacher", "outsider_admin"])
def test_list_routes_show_nothing_of_another_county(world, persona, client_for):
    client = client_for(world.users[persona])
    for route in objectless_routes():
        if route[1] in {"api_schema", "accounts:logout"}:
            continue
        response = client.get(urls_for(*route, {})[0])
        # a forged feed token finds nothing; 204: the lesson room's keep-alive; 405: a POST-only action
        expected = (404,) if route[2] == ["token"] else (200, 204, 302, 403, 405)
        assert response.status_code in expected, f"{persona} GET {route[1]} → {response.status_code}"
        if not response["Content-Type"].startswith(("text/", "application/json")):
            continue  # a file download (import template): no organisation data in it
        body = response.content.decode()
        for forbidden in FORBIDDEN_COUNTY_NAMES:
            assert forbidden not in body, f"{persona} sees {forbidden} on {route[1]}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["school_admin", "teacher"])
def test_every_object_route_refuses_a_user_of_another_school(world, persona, client_for):
    client = client_for(world.users[persona])
    targets = school_targets(world)
    urls = [url for route in object_routes() for url in urls_for(*route, targets)]
    _check_refused(client, urls, snapshot(), persona)


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login_everywhere(world, client):
    targets = county_targets(world)
    for route in all_routes():
        if route[1] in {"accounts:login", "accounts:pair", "api_schema"}:  # public by design
            continue
        for url in urls_for(*route, targets):
            response = client.get(url)
            # calendar apps cannot log in: feeds take a signed token instead, and a forged one gets 404
            expected = (404,) if route[2] == ["token"] else (302, 401, 403, 405)
            assert response.status_code in expected, f"anonymous GET {url} → {response.status_code}"
            if response.status_code == 302:
                assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_owner_can_open_what_the_outsider_cannot(world, county_admin, client_for):
    """The refusals above are about scope, not broken pages: the county admin gets 200 on the same GETs."""
    client = client_for(county_admin)
    targets = county_targets(world)
    for route in object_routes():
        for url in urls_for(*route, targets):
            response = client.get(url)
            # 405: a POST-only action (delete, revoke, schedule…) exists and refuses GET;
            # 409: the lesson's media room, which exists only while the lesson is on air
            assert response.status_code in (200, 405, 409), f"county admin GET {url} → {response.status_code}"


@pytest.mark.django_db
def test_audit_log_is_scoped(world, county_admin, outsider):
    assert AuditEvent.objects.visible_to(county_admin).filter(school=world.schools["host"]).exists()
    assert not AuditEvent.objects.visible_to(outsider).filter(region_code__startswith="330127").exists()
