"""Turn the co-scheduler's explanation items into sentences a coordinator understands (in their language)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sanke.timetable.choices import Weekday


def _day(number: int) -> str:
    return str(Weekday(number).label)


def _periods(numbers) -> str:
    return "、".join(str(n) for n in numbers)


def _problem(item: dict) -> str:
    messages = {
        "host_equipment": _("%(resource)s has no host equipment: choose a classroom that can host lessons."),
        "receiver_equipment": _(
            "%(resource)s has no classroom that can receive lessons: mark its classroom as "
            "receiving or add one."
        ),
        "no_periods": _("%(resource)s has no period grid yet: define its periods (节次) first."),
        "no_receivers": _("%(resource)s has no receiving class."),
    }
    return messages.get(item.get("code"), _("%(resource)s cannot take part.")) % {
        "resource": item["resource"]
    }


def _blocker(blocker: dict, minutes: int) -> str:
    if blocker["reason"] == "busy":
        return _("%(resource)s is busy in period %(periods)s") % {
            "resource": blocker["resource"],
            "periods": _periods(blocker["periods"]),
        }
    if blocker["reason"] == "sync_same_day":
        return _("%(resource)s already has a sync lesson that day") % {"resource": blocker["resource"]}
    if blocker["reason"] == "no_overlap":
        return _(
            "the bell times of %(resource)s share less than %(minutes)d minutes with the host's other periods"
        ) % {"resource": blocker["resource"], "minutes": minutes}
    return _("the host's periods are shorter than the lesson")


def explanation_lines(items: list[dict], *, minutes: int = 40) -> list[str]:
    lines = []
    for item in items:
        kind = item.get("type")
        if kind == "problem":
            lines.append(_problem(item))
        elif kind == "day":
            blockers = _("; ").join(_blocker(b, minutes) for b in item["blockers"]) or _(
                "no common free time"
            )
            lines.append(
                _("%(weekday)s: %(blockers)s.") % {"weekday": _day(item["weekday"]), "blockers": blockers}
            )
        elif kind == "capacity":
            lines.append(
                _(
                    "It needs %(needed)d lessons a week, but only %(available)d days have a time that suits "
                    "everyone."
                )
                % item
            )
        elif kind == "suggestion":
            changes = _("; ").join(
                _("free period %(period)s on %(weekday)s for %(resource)s (now %(what)s)")
                % {
                    "period": change["period"],
                    "weekday": _day(change["weekday"]),
                    "resource": change["resource"],
                    "what": change["what"],
                }
                for change in item["changes"]
            )
            lines.append(_("Smallest change that makes it possible: %(changes)s.") % {"changes": changes})
        elif kind == "competition":
            lines.append(
                _(
                    "The times that suit it are taken by other series sharing its teacher, classroom or "
                    "classes: %(series)s."
                )
                % {"series": "、".join(item["with"]) or "—"}
            )
    return lines
