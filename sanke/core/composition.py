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


# --- how audit rows read --------------------------------------------------------------------------------
# An audit row stores its action as a code ("accounts.role.granted") and its details as JSON written by the
# app that acted ({"role": "teacher", "scope": "千岛湖镇第一小学"}). Only that app knows what its codes, keys
# and values mean, so it registers how they read; core's audit log (``sanke.core.audit_display``) only
# applies what was registered, and falls back to the target model's field names.
@dataclass(frozen=True)
class AuditDetail:
    """How one key of an audit row's details reads: its ``label``, and ``show(value)`` when the stored
    value is a code that needs words (a role's label for "teacher"). Objects are stored by name when the
    row is written (``sanke.core.audit.form_changes``), so reading a page of the log costs no lookups."""

    label: Any
    show: Callable[[Any], Any] | None = None


_audit_actions: dict[str, Any] = {}
_audit_action_readers: dict[str, Callable[[str], Any]] = {}
_audit_details: dict[str, dict[str, AuditDetail]] = {}


def register_audit_actions(actions: dict[str, Any]) -> None:
    """``{action code: label}``, e.g. ``{"accounts.role.granted": _("Role granted")}``. Codes ending in
    ``.created`` / ``.updated`` / ``.deleted`` need none: they read as "<verb> <the target's model name>"."""
    _audit_actions.update(actions)


def register_audit_action_reader(prefix: str, read: Callable[[str], Any]) -> None:
    """Words for a family of codes made at run time (``org.import.<kind>``): ``read(action)`` → label or
    None. Asked when no label was registered for the exact code; the longest matching prefix wins."""
    _audit_action_readers[prefix] = read


def register_audit_details(prefix: str, details: dict[str, AuditDetail | Any]) -> None:
    """How the detail keys of the actions starting with ``prefix`` read: ``{key: AuditDetail}``, or just
    ``{key: label}`` when the value reads as it is. The longest registered prefix that knows a key wins."""
    known = _audit_details.setdefault(prefix, {})
    for key, detail in details.items():
        known[key] = detail if isinstance(detail, AuditDetail) else AuditDetail(detail)


def audit_action_label(action: str) -> Any | None:
    if action in _audit_actions:
        return _audit_actions[action]
    for prefix in sorted(_audit_action_readers, key=len, reverse=True):
        if action.startswith(prefix):
            label = _audit_action_readers[prefix](action)
            if label is not None:
                return label
    return None


def audit_detail(action: str, key: str) -> AuditDetail | None:
    """The registered reading of ``key`` for ``action`` (longest matching prefix first), or None."""
    for prefix in sorted(_audit_details, key=len, reverse=True):
        if action.startswith(prefix) and key in _audit_details[prefix]:
            return _audit_details[prefix][key]
    return None


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
