"""What live adds to the site: today's lessons on the home page, and the classroom terminal's big screen."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanke.core.composition import HomeContext, HomePart, register_audit_actions, register_home_part
from sanke.live.selectors import next_lesson_for_classrooms, todays_lessons


def home(home: HomeContext) -> dict | None:
    scope = home.scope
    if scope.is_staff_role:
        return {"todays_lessons": todays_lessons(home.user)}
    if scope.is_terminal_only:
        return {
            "next_lesson": next_lesson_for_classrooms(scope.classroom_ids),
            "terminal_config": terminal_config(),
        }
    if scope.is_student and home.person is not None and home.person.class_group_id:
        return {"todays_lessons": todays_lessons(home.user, receiving_class_id=home.person.class_group_id)}
    return None


def terminal_config() -> dict:
    """What the terminal's scripts need: where to read the day, and their words (the modules hold none)."""
    return {
        "agenda": reverse("live:terminal_agenda"),
        "push": "/ws/terminal/",
        "home": reverse("home"),
        "text": {
            "days": str(pgettext_lazy("countdown unit", "d")),
            "hours": str(pgettext_lazy("countdown unit", "h")),
            "minutes": str(pgettext_lazy("countdown unit", "min")),
            "seconds": str(pgettext_lazy("countdown unit", "s")),
            "waiting": str(_("Waiting for %(lesson)s at %(time)s")),
            "joining": str(_("Joining the lesson…")),
            "live": str(_("Live now: joining")),
            "idle": str(_("Waiting for the next scheduled lesson")),
            "offline": str(_("No connection to the platform; trying again by itself (last update %(time)s)")),
            "login": str(_("This terminal must log in again: ask the school to sign it in.")),
            "moved": str(_("moved")),
            "none_today": str(_("No lesson today")),
        },
    }


def terminal_screen(home: HomeContext) -> str | None:
    return "core/home_terminal.html" if home.scope.is_terminal_only else None


def register() -> None:
    register_home_part(HomePart("live", 30, home, claim=terminal_screen))
    register_audit_actions(
        {
            "live.lesson.started": _("Lesson started"),
            "live.lesson.ended": _("Lesson ended"),
            "live.lesson.missed": _("Lesson not started (missed)"),
        }
    )
