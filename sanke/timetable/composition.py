"""What timetable adds to the site: the sync-lessons menu and its audit label."""

from django.utils.translation import gettext_lazy as _

from sanke.core.composition import NavEntry, register_audit_labels, register_nav


def register() -> None:
    register_nav(
        NavEntry(
            "timetable",
            _("Sync lessons"),
            "ti-calendar-week",
            "timetable:today",
            30,
            lambda scope: scope.is_staff_role,
            namespaces=("timetable",),
        )
    )
    register_audit_labels(60, ("timetable.", _("Timetables and lessons")))
