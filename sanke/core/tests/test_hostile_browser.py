"""Hostile strings in every user-controlled field that the lesson room, the terminal and the org pages show.

Names (region, schools, classroom, class, teacher), the series' subject, a notice and its link are set
through the actions; chat, the quiz question and its options go through the pages of a live lesson (the
socket). Every page must show them as text: no dialog opens, no element they spell appears, and the pages
have neither a page error nor a CSP violation (the harness fails the test on those, and so does the end).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sanke.notifications.actions import do_notify
from sanke.org.actions import (
    do_save_class_group,
    do_save_classroom,
    do_save_person,
    do_save_region,
    do_save_school,
)
from sanke.testing import browser as browsers
from sanke.testing.servers import platform_server, server_environment
from sanke.timetable.models import Lesson, SyncSeries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
JS_URL = "javascript:alert(1)"
TEMPLATE = "{{7*7}}"
SQL = "'--"
# what any of them would have made of the page, had it been parsed as markup
INJECTED = (
    "script:not([src]):not([type='application/json']), img[src=x], svg[onload], [onerror], [onload],"
    " a[href^=javascript]"
)


@pytest.fixture
def asgi_server(transactional_db):
    with platform_server(server_environment(SANKE_MEDIA_BACKEND="p2p")) as base:
        yield base


def rename(world):
    """Every name the pages show, through the actions, as a clerk would type them."""
    region = world.regions["330127"]
    region.name = f"{JS_URL}{TEMPLATE}"
    do_save_region(region, acting_user=None)
    host, longjing = world.schools["host"], world.schools["longjing"]
    host.name = f"主讲{SCRIPT}"
    do_save_school(host, acting_user=None)
    longjing.name = f"{IMG}{SQL}"
    do_save_school(longjing, acting_user=None)
    classroom = world.classrooms["longjing"]
    classroom.name = SVG
    do_save_classroom(classroom, acting_user=None)
    class_group = world.classes["longjing-3"]
    class_group.name = f"{TEMPLATE}{SQL}"
    do_save_class_group(class_group, acting_user=None)
    teacher = world.people["teacher"]
    teacher.name = IMG
    do_save_person(teacher, acting_user=None)
    do_notify([host.pk], f"{SCRIPT} {IMG} {SVG} {TEMPLATE} {SQL}", link=JS_URL)


class Pages:
    """Pages of one test, each in its own context logged in by session cookie, whose dialogs are counted."""

    def __init__(self, browser, base):
        self.browser, self.base = browser, base
        self.dialogs: list[str] = []
        self.opened: list = []

    def open(self, user, path):
        context = browsers.new_context(self.browser)
        context.add_cookies([browsers.session_cookie(user, self.base)])
        context.on("dialog", self._dialog)
        page = context.new_page()
        response = page.goto(self.base + path)
        assert "script-src 'self';" in response.headers["content-security-policy"]  # the second line
        self.opened.append(page)
        return page

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_clean(self):
        for page in self.opened:
            if not page.is_closed():
                assert page.locator(INJECTED).count() == 0, f"markup from data on {page.url}"
        assert self.dialogs == []
        assert browsers.page_problems() == []

    def close(self):
        for page in self.opened:
            page.context.close()


def test_hostile_names_show_as_text_on_the_org_pages_and_home(world, asgi_server, media_browser):
    rename(world)
    pages = Pages(media_browser, asgi_server)
    admin = world.users["county_admin"]
    shown = {
        f"/org/regions/{world.regions['330127'].pk}/": [JS_URL + TEMPLATE],
        "/org/schools/": [f"主讲{SCRIPT}", IMG + SQL],
        f"/org/schools/{world.schools['longjing'].pk}/": [IMG + SQL, SVG, TEMPLATE + SQL],
        "/org/classes/": [TEMPLATE + SQL],
        f"/org/classes/{world.classes['longjing-3'].pk}/": [TEMPLATE + SQL, IMG + SQL],
        "/org/classrooms/": [SVG],
        f"/org/classrooms/{world.classrooms['longjing'].pk}/": [SVG],
        "/org/people/": [IMG],
        f"/org/people/{world.people['teacher'].pk}/": [IMG],
        "/": [JS_URL + TEMPLATE],
    }
    for path, texts in shown.items():
        page = pages.open(admin, path)
        for text in texts:
            expect(page.locator("body")).to_contain_text(text)
    # the host school's staff see the notice as text, and its link is not followed as a javascript: URL
    home = pages.open(world.users["school_admin"], "/")
    expect(home.locator("body")).to_contain_text(f"{SCRIPT} {IMG} {SVG} {TEMPLATE} {SQL}")
    terminal = pages.open(world.users["terminal_longjing"], "/")
    expect(terminal.locator("body")).to_be_visible()
    pages.assert_clean()
    pages.close()


def test_hostile_names_chat_and_quiz_show_as_text_in_the_lesson_room(world, asgi_server, media_browser):
    rename(world)
    lesson = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))
    # the subject is changed in place: do_save_series would send the series back to draft
    SyncSeries.objects.filter(pk=lesson.series_id).update(subject=SCRIPT)
    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(
        date=timezone.localdate(),
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(minutes=39),
    )
    room = f"/live/lessons/{lesson.pk}/"
    pages = Pages(media_browser, asgi_server)
    host = pages.open(world.users["teacher"], room)
    terminal = pages.open(world.users["terminal_longjing"], room)
    student = pages.open(world.users["student"], room)
    observer = pages.open(world.users["inspector"], room)
    for page in (host, terminal, student, observer):
        expect(page).to_have_title(re.compile("^" + re.escape(f"{SCRIPT} · ")))
    expect(host.get_by_test_id("classroom-grid")).to_contain_text(IMG + SQL)  # the receiving school
    expect(host.get_by_test_id("classroom-grid")).to_contain_text(TEMPLATE + SQL)  # and its class

    host.click("[data-action=start]")
    expect(terminal.locator("[data-live=status]")).to_have_text("上课中")
    # chat from both sides, a hand, a roll call, a quiz whose question and options are markup
    host.fill("[data-form=chat] [name=text]", SCRIPT)
    host.press("[data-form=chat] [name=text]", "Enter")
    terminal.fill("[data-form=chat] [name=text]", IMG)
    terminal.press("[data-form=chat] [name=text]", "Enter")
    terminal.click("[data-action=hand]")
    host.click("[data-action=rollcall]")
    terminal.fill("[data-form=present] [name=present]", "12")
    terminal.press("[data-form=present] [name=present]", "Enter")
    host.fill("[data-form=quiz] [name=question]", SVG)
    host.fill("[data-form=quiz] [name=options]", f"<img/src=x/onerror=alert(1)> {JS_URL} {TEMPLATE}")
    host.click("[data-testid=quiz-start]")
    options = ["<img/src=x/onerror=alert(1)>", JS_URL, TEMPLATE]

    for page in (host, terminal):
        expect(page.get_by_test_id("chat")).to_contain_text(SCRIPT)
        expect(page.get_by_test_id("chat")).to_contain_text(IMG)
    expect(terminal.get_by_test_id("quiz-panel")).to_contain_text(SVG)
    for option in options:
        expect(terminal.get_by_test_id("quiz-panel")).to_contain_text(option)
    expect(student.get_by_test_id("quiz-pad")).to_contain_text(SVG)
    student.locator("[data-quiz-options] button").nth(0).click()
    expect(student.get_by_test_id("quiz-sent")).to_contain_text(options[0])
    tally = host.get_by_test_id("tally")
    expect(tally).to_contain_text(f"{options[0]}: 1")
    expect(host.get_by_test_id("present")).to_contain_text("12")

    # the events come back on every reconnection: replayed, they are still text
    terminal.reload()
    expect(terminal.get_by_test_id("quiz-panel")).to_contain_text(SVG)
    expect(terminal.get_by_test_id("chat")).to_contain_text(SCRIPT)
    host.reload()
    expect(host.get_by_test_id("chat")).to_contain_text(IMG)
    expect(host.get_by_test_id("tally")).to_contain_text(f"{options[0]}: 1")
    observer.reload()
    expect(observer.locator("[data-live=status]")).to_have_text("上课中")
    pages.assert_clean()
    pages.close()
