"""What recordings adds to the site: the menu entry of the library and the audit log's words."""

from django.utils.translation import gettext_lazy as _

from sanke.core.composition import NavEntry, register_audit_actions, register_audit_labels, register_nav


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
    register_audit_labels(65, ("recordings.", _("Recordings")))
    register_audit_actions(
        {
            "recordings.upload.started": _("Recording upload started"),
            "recordings.upload.finished": _("Recording uploaded"),
            "recordings.chapter.added": _("Chapter added"),
        }
    )
