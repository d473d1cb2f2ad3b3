"""The audit log reads as Chinese: actions and details in words, never codes or a Python dictionary.

Rows store codes and JSON (``{"role": "teacher"}``); the log page showed them as stored — badges saying
``accounts.role.granted`` and details like ``weights: {'move_existing': 10}``. A bureau admin checking who
changed what could not read it. These tests write rows through every app's pages and actions, then read
the log as the county admin.
"""

from __future__ import annotations

import html
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

from sanke.accounts.actions import do_grant_role
from sanke.accounts.choices import Role
from sanke.core.audit import record_audit
from sanke.core.audit_display import describe_events, detail_lines
from sanke.core.models import AuditEvent
from sanke.core.tests.test_chinese_labels import is_english
from sanke.core.tests.test_fuzz import SKIPPED_NAMES, page_urls
from sanke.core.tests.test_scope import SKIPPED_PREFIXES
from sanke.testing.forms import read_page

CELLS = re.compile(r'<span class="badge[^"]*"[^>]*>(.*?)</span>|data-testid="audit-details">(.*?)</td>', re.S)


def write_through_every_form(client, user) -> None:
    """Submit every POST form the user's pages offer, filled as a clerk would: each app writes its rows."""
    seen = set()
    for url in page_urls(user):
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for form in read_page(url, response.content.decode())[0]:
            path = form.action.split("?")[0]
            if form.method != "post" or form.has_file or path.lstrip("/").startswith(SKIPPED_PREFIXES):
                continue
            try:
                name = resolve(path).view_name
            except Resolver404:
                continue
            if name in SKIPPED_NAMES | {"accounts:password_change"} or path in seen or "delete" in path:
                continue
            if "revoke" in path or path == f"/accounts/accounts/{user.pk}/":  # the walker keeps its rights
                continue
            seen.add(path)
            for data in form.submissions(fill=True):
                with transaction.atomic():
                    client.post(form.action, data)


def audit_pages(client) -> list[str]:
    pages, number = [], 1
    while True:
        response = client.get("/system/audit/", {"page": number})
        assert response.status_code == 200
        pages.append(html.unescape(response.content.decode()))
        if not response.context["page_obj"].has_next():
            return pages
        number += 1


@pytest.mark.django_db
def test_the_audit_log_reads_as_chinese_after_every_app_wrote_to_it(world, county_admin):
    # given: rows of every app, written through their pages and actions
    client = Client(raise_request_exception=False)
    client.force_login(county_admin)
    write_through_every_form(client, county_admin)
    do_grant_role(
        world.users["teacher"], Role.TEACHER, school=world.schools["host"], acting_user=county_admin
    )
    written = set(AuditEvent.objects.values_list("action", flat=True))
    apps = {action.split(".")[0] for action in written}
    assert {"accounts", "org", "timetable", "alliances", "supervision"} <= apps, apps

    # when
    pages = audit_pages(client)

    # then
    text = "\n".join(pages)
    assert "角色：教师" in text and "范围：千岛湖镇第一小学" in text
    assert "授予角色" in text
    english = set()
    for page in pages:
        for badge, details in CELLS.findall(page):
            cell = re.sub(r"<[^>]+>", "", badge or details)
            assert "{'" not in cell and "':" not in cell and "['" not in cell, cell
            for part in re.split(r" · |，", cell):
                label = part.split("：")[0]
                if is_english(label if details else part):
                    english.add(part.strip())
    assert not english, f"English in the audit log: {sorted(english)}"


def test_unknown_keys_read_as_a_plain_list_never_a_dictionary():
    with translation.override("zh-hans"):
        lines = detail_lines(
            "someapp.thing.done", {"new_key": {"a": 1, "b": [1, 2]}, "flag": True, "empty": None}
        )
    assert [(line.label, line.value) for line in lines] == [
        ("new key", "a：1，b：1、2"),
        ("flag", "是"),
        ("empty", "—"),
    ]


@pytest.mark.django_db
def test_details_take_the_target_models_field_names_and_choices(world, county_admin):
    school = world.schools["host"]
    changes = {"kind": "primary", "name": "新名"}
    event = record_audit(county_admin, "org.school.updated", school, changes=changes)
    with translation.override("zh-hans"):
        describe_events([event])
    assert event.action_label == "修改学校"
    assert [(line.label, line.value) for line in event.detail_lines] == [("类型", "小学"), ("名称", "新名")]
