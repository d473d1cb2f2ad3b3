"""What each app registers for the site to assemble: menu entries, home-page parts, audit labels, demo steps.

An app adds its pieces from its ``AppConfig.ready`` (as it registers its import kinds), and the
composition layer (``sanke.site``) puts them together: the navigation, each role's home page, the
audit log's filter, the demo world. So a new app appears in the product without editing core or
another app. Nothing here imports a domain app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sanke.core.scoping import Scope


# --- navigation ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NavEntry:
    """One menu entry. ``visible(scope)`` decides who sees it; the entry is active on pages whose URL
    namespace is in ``namespaces`` or whose URL name starts with one of ``url_prefixes``."""

    key: str
    label: Any
    icon: str
    url_name: str
    order: int
    visible: Callable[[Scope], bool]
    namespaces: tuple[str, ...] = ()
    url_prefixes: tuple[str, ...] = ()


_nav: dict[str, NavEntry] = {}


def register_nav(*entries: NavEntry) -> None:
    for entry in entries:
        _nav[entry.key] = entry


def nav_entries() -> list[NavEntry]:
    return sorted(_nav.values(), key=lambda e: (e.order, e.key))


# --- home page -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HomeContext:
    """What the person behind a request is, for the parts of the home page."""

    request: Any
    user: Any
    scope: Scope
    person: Any


@dataclass(frozen=True)
class HomePart:
    """A part of the home page: ``provide(home)`` returns template context (or nothing). A part may
    ``claim`` the whole page for a kind of user (a classroom terminal's big screen) by returning a
    template name; the first claim by order wins."""

    key: str
    order: int
    provide: Callable[[HomeContext], dict | None]
    claim: Callable[[HomeContext], str | None] = field(default=lambda home: None)


_home: dict[str, HomePart] = {}


def register_home_part(part: HomePart) -> None:
    _home[part.key] = part


def home_parts() -> list[HomePart]:
    return sorted(_home.values(), key=lambda p: (p.order, p.key))


# --- audit labels --------------------------------------------------------------------------------------
_audit_labels: dict[str, tuple[int, Any]] = {}


def register_audit_labels(order: int, *labels: tuple[str, Any]) -> None:
    """``(action prefix, label)`` pairs for the audit log's filter, e.g. ``("org.import", _("Imports"))``."""
    for index, (prefix, label) in enumerate(labels):
        _audit_labels[prefix] = (order * 100 + index, label)


def audit_labels() -> list[tuple[str, Any]]:
    return [(prefix, label) for prefix, (_, label) in sorted(_audit_labels.items(), key=lambda i: i[1][0])]


# --- the demo world ------------------------------------------------------------------------------------
@dataclass
class DemoWorld:
    """The objects the demo steps created, by short keys, for later steps, the tests and the screenshots."""

    regions: dict[str, Any] = field(default_factory=dict)
    schools: dict[str, Any] = field(default_factory=dict)
    classes: dict[str, Any] = field(default_factory=dict)
    classrooms: dict[str, Any] = field(default_factory=dict)
    people: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    alliances: dict[str, Any] = field(default_factory=dict)
    series: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, scope)


@dataclass(frozen=True)
class DemoStep:
    """One app's part of the demo world; steps run in ``order`` inside one transaction."""

    key: str
    order: int
    build: Callable[[DemoWorld], None]


_demo: dict[str, DemoStep] = {}


def register_demo_step(step: DemoStep) -> None:
    _demo[step.key] = step


def demo_steps() -> list[DemoStep]:
    return sorted(_demo.values(), key=lambda s: (s.order, s.key))
