"""No input gives a 500: hostile values in every query parameter and form field of every page.

Clerks paste ids from spreadsheets (full-width digits, stray spaces), browsers send whatever a bookmark
holds (``?date=9999-12-31``), and attackers send anything. A view that trusts a value to be a date, a
number or a choice answers 500, which leaks a stack trace in debug mode and hides the real problem from
the clerk. This test walks the URL resolver (as the scope walk does, so a new page is covered without
touching this file), opens every page a county admin and a teacher of the demo county can open, reads the
rendered HTML for its GET filters and POST forms, and sends hostile values:

- to each query parameter of the page's GET forms and the ones views read without a form (``date``,
  ``since``, ``week``, ``parent``, ``page``, ``q``, ``weekday``, ``period`` …), one at a time;
- to each field of each POST form, the form first submitted as rendered, then with one field at a time
  replaced by a hostile value.

Every request runs in a savepoint that is rolled back, so a successful POST changes nothing for the next
one, and the test's transaction (the shared world's rollback) leaves the world as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils.datastructures import MultiValueDict

from sanke.core.params import parse_int, parse_iso_date, search_text
from sanke.core.tests.test_scope import DELETE_KINDS, SKIPPED_PREFIXES, all_routes, model_for
from sanke.org.models import Grade, School
from sanke.testing.forms import Form, read_page

HOSTILE_VALUES = [
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "abc",
    "²",
    "٣",
    "１２",
    "9" * 23,
    "-1",
    "a\x00b",
    "x" * 100_000,
    "  \t ",
    "<script>alert(1)</script>",
]
# What breaks a choice or an id: not a number, a digit int() refuses, a number no column holds, NUL.
CHOICE_HOSTILE_VALUES = ["abc", "²", "٣", "-1", "9" * 23, "a\x00b"]
# Query parameters views read without a rendered form offering them (links, bookmarks, redirects).
KNOWN_PARAMS = [
    "date",
    "since",
    "until",
    "week",
    "parent",
    "page",
    "q",
    "weekday",
    "period",
    "school",
    "term",
    "next",
]
# Routes a walk must not send hostile forms to: leaving the session, the public pairing page (rate-limited
# per address: the fuzz would lock it for the other tests), the API schema (its own test), iCal tokens.
SKIPPED_NAMES = {
    "accounts:logout",
    "accounts:login",
    "accounts:pair",
    "api_schema",
    "timetable:ical",
    "core:status",  # reads no input; its checks probe outside services for seconds
    # a recording's tus endpoint and its media (playlists, signed segments): no page, no form to fuzz
    "recordings_upload:uploads",
    "recordings_upload:upload",
    "recordings:playlist",
    "recordings:segment",
}
# Fields that hold no user data: the CSRF token (the test client does not check it).
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}


def visible_object(model, user):
    """An object of ``model`` the user may see (the first by id), or None."""
    return model.objects.visible_to(user).order_by("pk").first()


def page_urls(user) -> Iterator[str]:
    """A URL of every route, its path filled with objects the user may see (routes it cannot fill: none)."""
    for route, name, kwargs in all_routes():
        if name in SKIPPED_NAMES:
            continue
        if not kwargs:
            yield reverse(name)
        elif kwargs == ["kind", "fmt"]:
            continue  # import templates: a file download, no parameters
        elif kwargs == ["kind", "pk"]:  # the delete route: one page per deletable kind
            for kind, model in DELETE_KINDS.items():
                if model == "grade":
                    schools = School.objects.visible_to(user)
                    obj = Grade.objects.filter(school__in=schools).order_by("pk").first()
                else:
                    obj = visible_object(model, user)
                if obj is not None:
                    yield reverse(name, kwargs={"kind": kind, "pk": obj.pk})
        else:
            values = {}
            for kwarg in kwargs:
                obj = visible_object(model_for(route, kwarg), user)
                if obj is None:
                    break
                values[kwarg] = obj.pk
            else:
                yield reverse(name, kwargs=values)


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form pairs as the test client takes them: a name with all its values (a multi-select)."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


@dataclass
class Fuzz:
    client: Client
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    seen_forms: set = field(default_factory=set)

    def send(self, method: str, url: str, data, changed: tuple[str, str] | None = None) -> int:
        """One request in a savepoint that is rolled back; a 5xx is recorded with its exception."""
        self.requests += 1
        with transaction.atomic():
            try:
                if method == "get":
                    response = self.client.get(url, _multi(data))
                else:
                    response = self.client.post(url, _multi(data))
            finally:
                transaction.set_rollback(True)
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            what = f"{exc[0].__name__}: {str(exc[1])[:150]}" if exc else ""
            if changed is None:
                sent = "as rendered"
            else:
                value = changed[1] if len(changed[1]) < 30 else f"{changed[1][:10]}…({len(changed[1])})"
                sent = f"{changed[0]}={value!r}"
            self.failures.append(f"{method.upper()} {url} {sent} → {response.status_code} {what}")
        return response.status_code

    def page(self, url: str) -> None:
        response = self.client.get(url)
        self.requests += 1
        if response.status_code >= 500:
            self.failures.append(f"GET {url} → {response.status_code}")
            return
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            return
        forms = read_page(url, response.content.decode())[0]
        candidates, choices = set(KNOWN_PARAMS), set()
        for form in forms:
            if form.method == "get":
                candidates.update(form.names - SKIPPED_FIELDS)
                choices.update(form.choices - set(KNOWN_PARAMS))
        for name in sorted(self.read_params(url, candidates)):
            for value in values_for(name, choices):
                self.send("get", url, [(name, value)], (name, value))
        for form in forms:
            if form.method == "post":
                self.post_form(url, form)

    def read_params(self, url: str, candidates: set[str]) -> set[str]:
        """The candidate query parameters the page reads (by name): the only ones that can hurt it.

        One GET with every candidate set to a harmless value, recording which names the view, its forms
        and filters look up in ``request.GET``.
        """
        with recording_reads() as reads:
            self.send("get", url, [(name, "1") for name in sorted(candidates)])
        return reads & candidates

    def post_form(self, page_url: str, form: Form) -> None:
        path = urlsplit(form.action).path
        if path.lstrip("/").startswith(SKIPPED_PREFIXES) or form.has_file:
            return
        try:
            view_name = resolve(path).view_name
        except Resolver404:
            return
        key = (view_name, tuple(sorted(form.names)))  # the same form on many pages (a delete button) once
        if view_name in SKIPPED_NAMES or key in self.seen_forms:
            return
        self.seen_forms.add(key)
        self.send("post", path, form.pairs())
        for name in representatives(form.names - SKIPPED_FIELDS):
            for value in values_for(name, form.choices):
                data = [(n, v) for n, v in form.pairs() if n != name] + [(name, value)]
                self.send("post", path, data, (name, value))


def representatives(names: set[str]) -> list[str]:
    """One field per formset column: ``form-3-start`` is parsed like ``form-0-start`` (a period grid has
    16 rows of the same four fields), so the first row stands for all."""
    chosen: dict[str, str] = {}
    for name in sorted(names, key=lambda n: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", n)]):
        chosen.setdefault(re.sub(r"-\d+-", "-N-", name), name)
    return sorted(chosen.values())


def values_for(name: str, choices: set[str]) -> list[str]:
    """The hostile values for one field: a select or box is parsed as a choice or an id (never as a date
    or free text), so it gets the values that break those; every other field gets all of them."""
    return CHOICE_HOSTILE_VALUES if name in choices else HOSTILE_VALUES


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """The keys looked up in any QueryDict (``request.GET`` / ``POST``) while the block runs.

    QueryDict inherits its lookups from MultiValueDict, so the recorder sits there and ignores the other
    MultiValueDicts (the URL resolver's)."""
    reads: set[str] = set()
    names = ("__getitem__", "getlist", "__contains__")
    own = {name: MultiValueDict.__dict__[name] for name in names if name in MultiValueDict.__dict__}
    originals = {name: getattr(MultiValueDict, name) for name in names}

    def recorder(name):
        original = originals[name]

        def read(self, key, *args, **kwargs):
            # request.GET / POST once built (immutable): not a QueryDict filling itself, not the resolver's
            if isinstance(self, QueryDict) and not self._mutable:
                reads.add(key)
            return original(self, key, *args, **kwargs)

        return read

    for name in originals:
        setattr(MultiValueDict, name, recorder(name))
    try:
        yield reads
    finally:
        for name in names:
            if name in own:
                setattr(MultiValueDict, name, own[name])
            else:  # inherited from dict: drop the recorder again
                delattr(MultiValueDict, name)


@pytest.fixture
def quiet_request_log():
    """A 500 is reported by the test itself; Django's logging of each would bury it (100 kB values)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["county_admin", "teacher"])
def test_no_input_gives_a_server_error(world, username, quiet_request_log):
    user = world.users[username]
    client = Client(raise_request_exception=False)
    client.force_login(user)
    fuzz = Fuzz(client)
    urls = list(page_urls(user))
    assert len(urls) >= 20, "the walk found too few pages; is the resolver walk broken?"
    for url in urls:
        fuzz.page(url)
    assert not fuzz.failures, f"{len(fuzz.failures)} of {fuzz.requests} requests answered 5xx:\n" + "\n".join(
        fuzz.failures
    )


# --- the cases the security review found, one by one ------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/timetable/today/?date=9999-12-31",
        "/timetable/today/?date=0001-01-01",
        "/system/audit/?since=2026-02-30",
        "/system/audit/?until=2026-02-30",
        "/system/audit/?who=" + "x" * 60_000,
        "/org/schools/?q=" + "x" * 60_000,
        "/accounts/roles/?q=" + "x" * 60_000,
        "/alliances/?q=" + "x" * 60_000,
        "entry:?weekday=²",
    ],
)
def test_a_hostile_query_string_shows_the_page_not_a_server_error(world, county_admin, path):
    if path.startswith("entry:"):
        path = reverse("timetable:entry_create", args=[world.classes["host-31"].pk]) + path[6:]
    client = Client(raise_request_exception=False)
    client.force_login(county_admin)
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_an_id_no_database_can_hold_is_a_form_error(world, county_admin, client_for):
    alliance = world.schools["host"].hosted_alliances.first()
    url = reverse("alliances:edit", args=[alliance.pk])
    response = client_for(county_admin).post(url, {"name": "x", "receiving_schools": ["9" * 23]})
    assert response.status_code == 200
    assert response.context["form"].errors["receiving_schools"]


def test_query_values_are_read_defensively():
    assert parse_int("²") is None and parse_int("٣") is None and parse_int("9" * 23) is None
    assert parse_int(" 12 ") == 12 and parse_int("-1") is None and parse_int("-1", minimum=-5) == -1
    assert parse_iso_date("2026-02-30") is None and parse_iso_date("9999-12-31") is None
    assert parse_iso_date("2026-11-24") == dt.date(2026, 11, 24)
    assert search_text("a\x00b" + "x" * 1000) == "ab" + "x" * 98
