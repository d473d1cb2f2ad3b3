"""iCal feeds of a teacher's and a classroom's sync lessons: parsed back with ``icalendar``, times in UTC,
stable UIDs through a move, cancelled lessons marked, holidays absent; a bad token, or a subscriber who
lost access, gets 404.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sanke.accounts.actions import do_revoke_role
from sanke.accounts.models import RoleAssignment
from sanke.timetable import ical
from sanke.timetable.actions import do_cancel_lesson, do_delete_entry, do_move_lesson
from sanke.timetable.models import Lesson, Period, TimetableEntry

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _whole_term(monkeypatch):
    """The feed reaches back HISTORY_DAYS from today; keep the demo term in it whenever the tests run."""
    monkeypatch.setattr(ical, "HISTORY_DAYS", 100_000)


def feed_url(kind, obj, user) -> str:
    return reverse("timetable:ical", kwargs={"token": ical.make_token(kind, obj.pk, user)})


def events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def the_lesson() -> Lesson:
    return Lesson.objects.get(date=TUESDAY, series__subject="英语")


def test_the_teacher_feed_lists_their_lessons_in_utc(world, county_admin, client):
    # when a calendar app (no login) fetches 王芳's feed
    found = events(client.get(feed_url(ical.TEACHER, world.people["teacher"], county_admin)))

    # then every English lesson of the term is there, once
    lessons = Lesson.objects.filter(series__host_teacher=world.people["teacher"])
    assert set(found) == {f"lesson-{lesson.pk}@sanke" for lesson in lessons}
    event = found[ical.lesson_uid(the_lesson())]
    assert event.decoded("DTSTART") == dt.datetime(2026, 11, 24, 1, 50, tzinfo=dt.UTC)  # 09:50 Shanghai
    assert event.decoded("DTEND") == dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)
    assert "DTSTART:20261124T015000Z" in client.get(
        feed_url(ical.TEACHER, world.people["teacher"], county_admin)
    ).content.decode().replace("\r\n ", "")
    assert str(event["SUMMARY"]) == "英语 · 千岛湖一小英语专递课堂"
    assert str(event["LOCATION"]) == "千岛湖镇第一小学 · 录播教室"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_no_events_in_the_national_day_holiday(world, county_admin, client):
    found = events(client.get(feed_url(ical.TEACHER, world.people["teacher"], county_admin)))
    local_dates = {
        e.decoded("DTSTART").astimezone(dt.timezone(dt.timedelta(hours=8))).date() for e in found.values()
    }
    assert not {d for d in local_dates if dt.date(2026, 10, 1) <= d <= dt.date(2026, 10, 7)}
    assert dt.date(2026, 10, 8) in local_dates


def test_the_classroom_feed_of_a_receiving_classroom(world, county_admin, client):
    found = events(client.get(feed_url(ical.CLASSROOM, world.classrooms["longjing"], county_admin)))
    assert ical.lesson_uid(the_lesson()) in found
    assert len(found) == Lesson.objects.filter(series__subject="英语").count()
    # a classroom without sync lessons has an empty but valid calendar
    assert events(client.get(feed_url(ical.CLASSROOM, world.classrooms["longjing-5"], county_admin))) == {}


def test_a_moved_lesson_keeps_its_uid_and_a_cancelled_one_is_marked(world, county_admin, client):
    # given the Tuesday lesson moves to Friday period 3 (freed at 下姜) and the Thursday one is cancelled
    friday_maths = TimetableEntry.objects.get(
        class_group=world.classes["xiajiang-4"], weekday=5, period__number=3
    )
    do_delete_entry(friday_maths, acting_user=None)
    lesson = the_lesson()
    period = Period.objects.get(school=world.schools["host"], number=3)
    do_move_lesson(lesson, dt.date(2026, 11, 27), period, acting_user=None)
    thursday = Lesson.objects.get(date=dt.date(2026, 11, 26))
    do_cancel_lesson(thursday, "教研活动", acting_user=None)

    found = events(client.get(feed_url(ical.TEACHER, world.people["teacher"], county_admin)))

    moved = found[ical.lesson_uid(lesson)]
    assert moved.decoded("DTSTART") == dt.datetime(2026, 11, 27, 1, 50, tzinfo=dt.UTC)
    assert int(moved["SEQUENCE"]) == 1
    cancelled = found[ical.lesson_uid(thursday)]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "教研活动" in str(cancelled["DESCRIPTION"])


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps({"k": "teacher", "id": 1, "u": 1}, salt="another.salt"),
        signing.dumps({"k": "student", "id": 1, "u": 1}, salt=ical.SALT),
        signing.dumps({"k": "teacher", "id": "1", "u": 1}, salt=ical.SALT),
    ],
)
def test_a_bad_token_is_404(world, client, token):
    assert client.get(reverse("timetable:ical", kwargs={"token": token})).status_code == 404


def test_a_tampered_token_is_404(world, county_admin, client):
    token = ical.make_token(ical.TEACHER, world.people["teacher"].pk, county_admin)
    payload, rest = token.split(":", 1)
    other = ical.make_token(ical.TEACHER, world.people["music"].pk, county_admin).split(":", 1)[0]
    assert other != payload
    assert client.get(reverse("timetable:ical", kwargs={"token": f"{other}:{rest}"})).status_code == 404


def test_a_token_for_someone_out_of_scope_is_404(world, outsider, client):
    """Signed for the outsider, about 淳安's teacher: the subscriber may not see it, so no feed."""
    assert client.get(feed_url(ical.TEACHER, world.people["teacher"], outsider)).status_code == 404
    assert client.get(feed_url(ical.CLASSROOM, world.classrooms["longjing"], outsider)).status_code == 404


def test_the_feed_closes_when_the_subscriber_loses_access(world, school_admin, county_admin, client):
    url = feed_url(ical.TEACHER, world.people["teacher"], school_admin)
    assert client.get(url).status_code == 200
    do_revoke_role(RoleAssignment.objects.get(user=school_admin), acting_user=county_admin)
    assert client.get(url).status_code == 404


def test_the_teacher_page_shows_a_working_subscription_link(world, host_teacher, client_for):
    client = client_for(host_teacher)
    page = client.get(reverse("timetable:teacher", args=[world.people["teacher"].pk]))
    url = re.search(r'value="(http[^"]+\.ics)" data-testid="ical-url"', page.content.decode()).group(1)
    assert url.startswith("http://testserver/timetable/ical/")
    assert 'href="webcal://testserver/timetable/ical/' in page.content.decode()
    client.logout()
    assert len(events(client.get(url.removeprefix("http://testserver")))) > 0


def test_the_classroom_page_shows_the_link_only_to_who_may_see_it(world, county_admin, student, client_for):
    url = reverse("timetable:classroom", args=[world.classrooms["longjing"].pk])
    page = client_for(county_admin).get(url)
    assert 'data-testid="ical-url"' in page.content.decode()
    assert client_for(student).get(url).status_code == 403


# --- revocable, expiring addresses (issue 8) --------------------------------------------------------------
OLD_COMMITTED_KEY = "insecure-development-key-change-me-0123456789"


def page_feed_url(client, name, pk) -> str:
    page = client.get(reverse(name, args=[pk])).content.decode()
    return re.search(r'value="http://testserver([^"]+\.ics)" data-testid="ical-url"', page).group(1)


def test_resetting_my_links_revokes_the_old_ones_and_the_new_one_works(world, host_teacher, client_for):
    # given 王芳's address on her page, working
    client = client_for(host_teacher)
    teacher = world.people["teacher"]
    old = page_feed_url(client, "timetable:teacher", teacher.pk)
    assert client.get(old).status_code == 200

    # when she resets her calendar addresses from that page
    response = client.post(reverse("timetable:ical_reset"), {"kind": "teacher", "pk": teacher.pk})

    # then she is back on the page, the old address answers 404 with no data and the new one works
    assert response.status_code == 302
    assert response["Location"] == reverse("timetable:teacher", args=[teacher.pk])
    new = page_feed_url(client, "timetable:teacher", teacher.pk)
    assert new != old
    assert client.get(old).status_code == 404
    assert b"VEVENT" not in client.get(old).content
    assert len(events(client.get(new))) > 0


def test_a_users_reset_does_not_touch_other_users_links(world, host_teacher, county_admin, client_for):
    teacher = world.people["teacher"]
    admins = feed_url(ical.TEACHER, teacher, county_admin)
    client_for(host_teacher).post(reverse("timetable:ical_reset"), {"kind": "teacher", "pk": teacher.pk})
    assert client_for(host_teacher).get(admins).status_code == 200


def test_a_school_manager_resets_a_classrooms_links_for_everyone(
    world, county_admin, host_teacher, client_for
):
    # given the county admin's address of 龙井's classroom, and a teacher who may not reset it for everyone
    classroom = world.classrooms["longjing"]
    url = feed_url(ical.CLASSROOM, classroom, county_admin)
    reset = reverse("timetable:ical_reset_classroom", args=[classroom.pk])
    assert client_for(host_teacher).post(reset).status_code in {403, 404}
    assert client_for(host_teacher).get(url).status_code == 200

    # when the county admin (who manages its school) resets the classroom's addresses
    page = client_for(county_admin).get(reverse("timetable:classroom", args=[classroom.pk]))
    assert 'data-testid="ical-reset-classroom"' in page.content.decode()
    assert client_for(county_admin).post(reset).status_code == 302

    # then every earlier address of that classroom is gone, the new one works
    assert client_for(county_admin).get(url).status_code == 404
    assert len(events(client_for(county_admin).get(feed_url(ical.CLASSROOM, classroom, county_admin)))) > 0


@pytest.mark.parametrize("pk", ["abc", "²", "1" * 30, ""])
def test_a_reset_with_a_bad_id_is_404(world, county_admin, client_for, pk):
    response = client_for(county_admin).post(reverse("timetable:ical_reset"), {"kind": "teacher", "pk": pk})
    assert response.status_code == 404


def test_an_expired_link_is_refused(world, county_admin, client):
    teacher = world.people["teacher"]
    today = timezone.localdate()
    lapsed = ical.make_token(ical.TEACHER, teacher.pk, county_admin, today=today - dt.timedelta(days=181))
    last_day = ical.make_token(ical.TEACHER, teacher.pk, county_admin, today=today - dt.timedelta(days=179))
    assert client.get(reverse("timetable:ical", kwargs={"token": lapsed})).status_code == 404
    assert client.get(reverse("timetable:ical", kwargs={"token": last_day})).status_code == 200


def test_the_page_shows_the_last_day_of_the_address(world, host_teacher, client_for):
    page = client_for(host_teacher).get(reverse("timetable:teacher", args=[world.people["teacher"].pk]))
    assert ical.link_expiry().isoformat() in page.content.decode()
    assert 'data-testid="ical-reset"' in page.content.decode()


@pytest.mark.parametrize("key", [OLD_COMMITTED_KEY, "the install's own secret key"])
def test_a_link_signed_with_the_old_committed_key_or_the_bare_secret_key_is_refused(
    world, county_admin, client, settings, key
):
    """Signed with the key once committed in settings.py, or with SECRET_KEY itself rather than the feed's
    labelled key: the payload is right in every other way, and still no feed."""
    key = settings.SECRET_KEY if key.startswith("the install") else key
    teacher = world.people["teacher"]
    payload = {"k": "teacher", "id": teacher.pk, "u": county_admin.pk, "v": 0, "e": "2999-01-01"}
    for data in (payload, {"k": "teacher", "id": teacher.pk, "u": county_admin.pk}):
        token = signing.dumps(data, key=key, salt=ical.SALT)
        assert client.get(reverse("timetable:ical", kwargs={"token": token})).status_code == 404
