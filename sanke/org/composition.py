"""What org adds to the site: the organisation menu, its home-page figures, its audit labels."""

from django.utils.translation import gettext_lazy as _

from sanke.core.composition import (
    AuditDetail,
    HomeContext,
    HomePart,
    NavEntry,
    register_audit_action_reader,
    register_audit_actions,
    register_audit_details,
    register_audit_labels,
    register_home_part,
    register_nav,
)
from sanke.org import selectors


def _staff(scope) -> bool:
    return scope.is_staff_role


def _admin(scope) -> bool:
    return scope.is_admin


def home(home: HomeContext) -> dict:
    context: dict = {}
    if home.scope.is_staff_role:
        context["counts"] = selectors.organisation_counts(home.user)
        context["recent_schools"] = selectors.recent_schools(home.user)
    if home.scope.is_terminal_only:
        context["classrooms"] = selectors.terminal_classrooms(home.user)
    elif home.scope.is_guardian and home.person is not None:
        context["wards"] = home.person.wards.select_related("school", "class_group__grade")
    return context


def register() -> None:
    register_nav(
        NavEntry(
            "regions", _("Regions"), "ti-map-2", "org:region_list", 10, _staff, url_prefixes=("region",)
        ),
        NavEntry(
            "schools",
            _("Schools"),
            "ti-school",
            "org:school_list",
            11,
            _staff,
            url_prefixes=("school", "grade"),
        ),
        NavEntry(
            "classes", _("Classes"), "ti-users-group", "org:class_list", 12, _staff, url_prefixes=("class",)
        ),
        NavEntry(
            "classrooms",
            _("Classrooms"),
            "ti-device-tv",
            "org:classroom_list",
            13,
            _staff,
            url_prefixes=("classroom", "equipment"),
        ),
        NavEntry(
            "people", _("People"), "ti-id-badge-2", "org:person_list", 14, _staff, url_prefixes=("person",)
        ),
        NavEntry("import", _("Import"), "ti-file-import", "org:import", 40, _admin, url_prefixes=("import",)),
    )
    register_home_part(HomePart("org", 10, home))
    register_audit_labels(
        30,
        ("org.", _("Organisation changes")),
        ("org.import", _("Imports")),
        ("org.personal_data", _("Views and exports of personal data")),
    )
    # "org.<noun>.<created|updated|deleted>" read by the model's name, their details by its field names
    register_audit_actions(
        {
            "org.person.guardian_linked": _("Guardian linked"),
            "org.person.national_id_refused": _("ID card number refused (used outside your area)"),
            "org.personal_data.person_viewed": _("Personal record viewed"),
            "org.personal_data.roster_viewed": _("Class roster viewed"),
            "org.personal_data.people_listed": _("List of people viewed or exported"),
        }
    )
    register_audit_action_reader("org.import.", _import_label)
    register_audit_details(
        "org.",
        {
            "guardian": _("Guardian"),
            "via": AuditDetail(_("Through"), show=lambda value: VIA[value]),
            "count": _("People listed"),
            "query": _("Filter"),
            "file": _("File"),
            "rows": _("Rows imported"),
        },
    )


# Where personal data was read (``do_audit_personal_data_view(via=…)``).
VIA = {"page": _("web page"), "api": _("API")}


def _import_label(action: str):
    """``org.import.<kind>`` reads as the import kind's own name ("导入：教师")."""
    from sanke.core.tabular_import import IMPORT_KINDS

    kind = IMPORT_KINDS.get(action.removeprefix("org.import."))
    return _("Imported: %(kind)s") % {"kind": kind.label} if kind is not None else None
