"""Reading the audit log: each row's action and details in words, never as codes or a Python dictionary.

A row stores codes ("accounts.role.granted", ``{"role": "teacher"}``) because codes stay stable while
words change and translate. A bureau admin reading the log needs the words: "授予角色 — 角色：教师 ·
范围：千岛湖镇第一小学". The app that wrote a row registers how its codes read
(``sanke.core.composition.register_audit_actions`` / ``register_audit_details``); for what no app
registered, the row's target model lends its field names and choices; what is still unknown reads as a
plain "key: value" list. Objects are stored by name when a row is written, so a page of the log costs
no query beyond the page itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from sanke.core.composition import audit_action_label, audit_detail, audit_labels

# Actions written as "<app>.<noun>.<verb>" read as the verb on the target's model name ("新建学校").
VERBS = {
    "created": _("%(object)s created"),
    "updated": _("%(object)s changed"),
    "deleted": _("%(object)s deleted"),
}
EMPTY = "—"
MAX_VALUE_LENGTH = 300


@dataclass(frozen=True)
class DetailLine:
    label: str
    value: str


def describe_events(events: Iterable) -> None:
    """Give each event ``action_label`` (words for its code) and ``detail_lines`` (label: value pairs)."""
    for event in events:
        model = _model(event.target_type)
        event.action_label = action_label(event.action, model)
        event.detail_lines = detail_lines(event.action, event.changes, model)


def action_label(action: str, model: type[models.Model] | None = None) -> str:
    label = audit_action_label(action)
    if label is not None:
        return str(label)
    verb = action.rsplit(".", 1)[-1]
    if verb in VERBS and model is not None:
        return str(VERBS[verb] % {"object": model._meta.verbose_name})
    # a code no app registered: the name of the filter group it belongs to, else the code itself
    groups = sorted(audit_labels(), key=lambda group: len(group[0]), reverse=True)
    return next((str(label) for prefix, label in groups if action.startswith(prefix)), action)


def detail_lines(action: str, changes: Any, model: type[models.Model] | None = None) -> list[DetailLine]:
    if not isinstance(changes, dict):  # rows are written with a dict; anything else still reads as text
        return [DetailLine(str(_("Details")), format_value(changes, action))] if changes else []
    return [_line(action, model, str(key), value) for key, value in changes.items()]


def _line(action: str, model: type[models.Model] | None, key: str, value: Any) -> DetailLine:
    detail = audit_detail(action, key)
    if detail is not None:
        if detail.show is not None:
            try:
                value = detail.show(value)
            except (KeyError, ValueError, TypeError, AttributeError):
                pass  # a value written before its code was known: shown as stored
        return DetailLine(str(detail.label), format_value(value, action))
    field = _field(model, key)
    if field is not None:
        if field.choices and isinstance(value, str | int):
            value = dict(field.flatchoices).get(value, value)
        return DetailLine(str(capfirst(field.verbose_name)), format_value(value, action))
    return DetailLine(key.replace("_", " "), format_value(value, action))


def format_value(value: Any, action: str = "") -> str:
    """A stored value as text: yes/no, lists joined with 、, nested details as "label: value"."""
    if value is None or value == "" or value == [] or value == {}:
        text = EMPTY
    elif isinstance(value, bool):
        text = str(_("yes") if value else _("no"))
    elif isinstance(value, dict):
        text = "，".join(f"{line.label}：{line.value}" for line in detail_lines(action, value))
    elif isinstance(value, list | tuple | set):
        text = "、".join(format_value(item, action) for item in value)
    else:
        text = str(value)
    return text if len(text) <= MAX_VALUE_LENGTH else text[: MAX_VALUE_LENGTH - 1] + "…"


def _model(label: str) -> type[models.Model] | None:
    if not label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if hasattr(field, "verbose_name") else None
