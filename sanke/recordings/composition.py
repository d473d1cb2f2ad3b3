"""What recordings adds to the site: the menu entry of the library, a student's catch-up on the home page,
and the audit log's words."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanke.core.composition import (
    HomeContext,
    HomePart,
    NavEntry,
    register_audit_actions,
    register_audit_labels,
    register_home_part,
    register_nav,
)
from sanke.recordings.selectors import catch_up


def home(home: HomeContext) -> dict | None:
    """A student sees the recent recordings of their class's lessons, to watch one they missed."""
    if not (home.scope.is_student and home.person is not None and home.person.class_group_id):
        return None
    recordings = catch_up(home.user, home.person.class_group_id, today=timezone.localdate())
    return {"catch_up_panel": {"template": "recordings/_home_catch_up.html", "recordings": recordings}}


def register() -> None:
    register_nav(
        NavEntry(
            "recordings",
            _("Recordings"),
            "ti-movie",
            "recordings:list",
            35,
            lambda scope: scope.is_staff_role or scope.is_student,
            namespaces=("recordings",),
        )
    )
    register_home_part(HomePart("recordings", 32, home))
    register_audit_labels(65, ("recordings.", _("Recordings")))
    register_audit_actions(
        {
            "recordings.upload.started": _("Recording upload started"),
            "recordings.upload.finished": _("Recording uploaded"),
            "recordings.chapter.added": _("Chapter added"),
        }
    )
