"""The scope walk with valid data: every route × every role × every method, query-string ids, sockets.

``test_scope.py`` proves that another county's and another school's objects are refused by URL. This walk
goes further, in the way an attacker who holds a real account would:

- it opens every page as the owner (the county's bureau admin), reads every form on it with the values the
  page offers, and replays each form as every other role — students, guardians, the classroom terminal, the
  read-only staff roles of the county, and admins and teachers of another county. Whoever the scoping kernel
  says may not change the object gets 403/404 and nothing is written (any INSERT/UPDATE/DELETE on any table
  but sessions, login attempts and the audit log fails the test, whatever app owns the table);
- it sends PUT, PATCH and DELETE to every URL as every role: nothing of the platform changes state that way;
- it puts the county's object ids into every query parameter the pages use, as a user of another county;
- every role the platform knows has a persona in the walk, so a new role is walked as soon as it exists.

Routes, forms and roles come from the resolver, the pages and ``Role``: nothing to update by hand.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from sanke.accounts.choices import Role
from sanke.core.scoping import ScopedQuerySet
from sanke.core.tests.test_scope import (
    DELETE_KINDS,
    FORBIDDEN_COUNTY_NAMES,
    all_routes,
    county_targets,
    model_for,
    object_routes,
    objectless_routes,
    urls_for,
)
from sanke.testing.forms import query_names, read_page

# Tables a refused request may still write: its session (saved on every request), login throttling, the
# audit trail (a refusal may be recorded).
UNWATCHED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
UNWATCHED_TABLES |= {"core_auditevent"}
# Forms of the signed-in user's own things: anybody may submit them for themself (logout, own password,
# own notifications, own calendar addresses — test_ical checks a reset touches no one else's —, the language).
SELF_SERVICE = re.compile(r"^/(accounts/(logout|password)|timetable/ical/reset/$|i18n/|system/notifications)")
# Every role with the persona that plays it inside 淳安县; outsiders of another county besides.
ROLE_PERSONAS = {
    Role.BUREAU_ADMIN: "county_admin",
    Role.SCHOOL_ADMIN: "school_admin",
    Role.TEACHER: "teacher",
    Role.STUDENT: "student",
    Role.GUARDIAN: "guardian",
    Role.RESEARCHER: "researcher",
    Role.INSPECTOR: "inspector",
    Role.REVIEWER: "reviewer",
    Role.TECH_SUPPORT: "tech_support",
    Role.CLASSROOM_TERMINAL: "terminal_longjing",
}
OUTSIDERS = ["outsider_admin", "outsider_teacher"]
WALKERS = [name for name in ROLE_PERSONAS.values() if name != "county_admin"] + OUTSIDERS


class WriteRecorder:
    """Every INSERT/UPDATE/DELETE the database receives, by table (``connection.execute_wrapper``)."""

    TABLE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)

    def __init__(self):
        self.writes: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        match = self.TABLE.match(sql)
        if match and match.group(1) not in UNWATCHED_TABLES:
            self.writes.append(match.group(1))
        return execute(sql, params, many, context)


@contextmanager
def recording():
    recorder = WriteRecorder()
    with connection.execute_wrapper(recorder):
        yield recorder


def client_of(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def owner_pages(world):
    """Every page the county admin opens in 淳安县: objectless pages and those of the county's objects."""
    targets = county_targets(world)
    urls = []
    for route in objectless_routes():
        if route[1] in {"api_schema", "accounts:logout"} or route[2] == ["token"]:
            continue
        urls.extend(urls_for(*route, {}))
    for route in object_routes():
        urls.extend(urls_for(*route, targets))
    return urls


_HARVESTS: dict[tuple[int, int], tuple] = {}
# Roles that only read: a page with a form that changes data must not open for them (their own things aside).
READ_ONLY = ["student", "guardian", "terminal_longjing", "researcher", "inspector", "reviewer"]


def harvest(world):
    """(pages that answered 200, their POST forms, the query parameter names they use) as the owner sees them.

    Kept per world (the shared world's ids do not change between the tests of this module)."""
    key = (world.schools["host"].pk, world.users["county_admin"].pk)
    if key not in _HARVESTS:
        _HARVESTS[key] = _harvest(world)
    return _HARVESTS[key]


def _harvest(world):
    owner = client_of(world.users["county_admin"])
    pages, forms, params = [], {}, {}
    for url in owner_pages(world):
        response = owner.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        pages.append(url)
        page_forms, links = read_page(url, response.content.decode())
        for form in page_forms:
            if form.method == "post" and not form.action.startswith("/i18n/"):
                forms.setdefault(form.action, form)
            elif form.method == "get":
                params.setdefault(form.action.split("?")[0], set()).update(n for n, _ in form.fields)
        for link in links:
            params.setdefault(link.split("?")[0], set()).update(query_names(link))
    return pages, forms, params


def target_of(action: str):
    """The object a form acts on, from its URL (``/org/schools/5/edit/`` → School 5), or None."""
    from django.urls import resolve

    match = resolve(action.split("?")[0])
    kwargs = {k: v for k, v in match.kwargs.items() if k not in {"kind", "fmt", "token"}}
    if not kwargs:
        return None
    route = next(r for r in all_routes() if r[1] == _full_name(match))
    kwarg = "pk" if "pk" in kwargs else next(iter(kwargs))
    if match.kwargs.get("kind") and kwarg == "pk":  # the delete route: /org/delete/<kind>/<pk>/
        model = DELETE_KINDS[match.kwargs["kind"]]
        if model == "grade":
            from sanke.org.models import Grade

            model = Grade
    else:
        model = model_for(route[0], kwarg)
    return model.objects.filter(pk=kwargs[kwarg]).first()


def _full_name(match) -> str:
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def may_change(user, obj) -> bool:
    """What the scoping kernel says: may ``user`` change ``obj``?"""
    if obj is None or not isinstance(type(obj)._default_manager.all(), ScopedQuerySet):
        return False
    return type(obj)._default_manager.changeable_by(user).filter(pk=obj.pk).exists()


def test_every_role_is_walked():
    """A role added to ``Role`` must get a persona here, or this fails: new roles are walked from day one."""
    assert set(ROLE_PERSONAS) == set(Role), f"roles without a persona: {set(Role) - set(ROLE_PERSONAS)}"


@pytest.mark.django_db
def test_forms_replayed_by_every_other_role_change_nothing(world):
    """Each form of the owner's pages, with valid values, as every other role.

    Who may use a form is what the view answers to GET of its page (200: the view lets them in; then a
    read-only role is a failure), and for POST-only actions what the scoping kernel says of the object the
    URL names. Everyone else must be refused with 403/404 and nothing written."""
    pages, forms, _ = harvest(world)
    assert len(pages) >= 40, f"the walk opened only {len(pages)} pages; is the harvest broken?"
    assert len(forms) >= 25, f"the walk found only {len(forms)} forms; is the form reader broken?"
    failures, replayed = [], 0
    for persona in WALKERS:
        user = world.users[persona]
        client = client_of(user)
        for action, form in sorted(forms.items()):
            if SELF_SERVICE.match(action) or action == "/accounts/pair/":
                continue
            page = client.get(action)
            opened = page.status_code
            if opened == 200:
                offered = any(
                    f.method == "post" and f.action == action
                    for f in read_page(action, page.content.decode())[0]
                )
                if offered and persona in READ_ONLY:
                    failures.append(f"{persona} (read-only) is offered the form {action}")
                if offered and persona in OUTSIDERS and target_of(action) is not None:
                    failures.append(f"{persona} (another county) is offered the form {action}")
                if offered:
                    continue  # the view lets them use it (their own school, class, lesson…)
            elif opened == 405 and may_change(user, target_of(action)):
                continue
            for data in form.submissions(fill=True):
                replayed += 1
                with recording() as recorder:
                    response = client.post(action, data)
                status = response.status_code
                if recorder.writes:
                    failures.append(f"{persona} POST {action} {data} → {status}, wrote {recorder.writes}")
                elif status >= 500 or (opened != 200 and status not in (403, 404, 405)):
                    failures.append(f"{persona} POST {action} → {status} (GET gave {opened})")
    assert replayed >= 200, f"only {replayed} refused submissions were tried"
    assert not failures, "valid forms replayed by roles that may not submit them:\n" + "\n".join(failures)


def api_urls(world) -> list[str]:
    targets = county_targets(world)
    routes = [r for r in all_routes() if r[0].startswith("api/v1/")]
    return [url for route in routes for url in urls_for(*route, targets if route[2] else {})]


@pytest.mark.django_db
def test_put_patch_delete_change_nothing_anywhere(world):
    """Pages answer 405 to the other methods before any view runs; the read-only API refuses them too."""
    pages, forms, _ = harvest(world)
    urls = one_url_per_route(set(pages) | set(forms)) + api_urls(world)
    assert len(urls) >= 45
    failures = []
    for persona in ["county_admin", *WALKERS]:
        client = client_of(world.users[persona])
        for url in urls:
            data = forms[url].data(fill=True) if url in forms else {}
            expected = (401, 403, 404, 405) if url.startswith("/api/") else (405,)
            for method in ("put", "patch", "delete"):
                with recording() as recorder:
                    response = getattr(client, method)(url, data, content_type="application/json")
                if recorder.writes or response.status_code not in expected:
                    failures.append(
                        f"{persona} {method.upper()} {url} → {response.status_code}, wrote {recorder.writes}"
                    )
    assert not failures, "\n".join(failures)


def one_url_per_route(urls) -> list[str]:
    from django.urls import resolve

    chosen: dict[str, str] = {}
    for url in sorted(urls):
        chosen.setdefault(_full_name(resolve(url.split("?")[0])), url)
    return sorted(chosen.values())


def _ids_for(name: str, targets) -> list[int]:
    """The county's object ids to put into a query parameter: by its name when it says, else all of them."""
    name = name.lower()
    by_name = [obj.pk for model, obj in targets.items() if isinstance(model, type) and _names(model, name)]
    return by_name or sorted({obj.pk for obj in targets.values() if hasattr(obj, "pk")})  # not media URLs


def _names(model, name: str) -> bool:
    label = model._meta.model_name
    return (
        label in name
        or (label == "classgroup" and "class" in name)
        or (label == "person" and name in {"teacher", "person", "student"})
        or (label == "region" and name == "parent")
    )


@pytest.mark.django_db
def test_query_string_ids_of_another_county_show_nothing(world):
    _, _, params = harvest(world)
    assert sum(len(names) for names in params.values()) >= 10, "too few query parameters found"
    targets = county_targets(world)
    failures = []
    for persona in OUTSIDERS:
        client = client_of(world.users[persona])
        for path, names in sorted(params.items()):
            for name in sorted(names):
                for pk in _ids_for(name, targets):
                    response = client.get(path, {name: pk})
                    if response.status_code >= 500:
                        failures.append(f"{persona} GET {path}?{name}={pk} → {response.status_code}")
                        continue
                    if response.status_code != 200 or not response["Content-Type"].startswith("text/"):
                        continue
                    body = response.content.decode()
                    leaked = [n for n in FORBIDDEN_COUNTY_NAMES if n in body]
                    if leaked:
                        failures.append(f"{persona} GET {path}?{name}={pk} shows {leaked}")
    assert not failures, "\n".join(failures)


def test_the_write_recorder_sees_writes_to_every_app(db):
    """The detector itself: a write to any app's table is seen, a session write is not."""
    models = [m for m in apps.get_models() if m._meta.app_label not in {"sessions", "axes"}]
    assert models
    with recording() as recorder:
        from sanke.core.models import AuditEvent

        AuditEvent.objects.filter(pk=-1).update(action="x")
        from sanke.org.models import Region

        Region.objects.filter(pk=-1).update(name="x")
    assert recorder.writes == ["org_region"]
