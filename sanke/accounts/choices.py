from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of the programme. Each grant of a role carries a scope (region, school or classroom)."""

    BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")
    SCHOOL_ADMIN = "school_admin", _("School administrator")
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")
    GUARDIAN = "guardian", _("Guardian")
    RESEARCHER = "researcher", _("Teaching researcher")
    INSPECTOR = "inspector", _("Inspector")
    REVIEWER = "reviewer", _("Resource reviewer")
    TECH_SUPPORT = "tech_support", _("Technical support")
    CLASSROOM_TERMINAL = "classroom_terminal", _("Classroom terminal")


class ScopeKind(models.TextChoices):
    REGION = "region", _("Region")
    SCHOOL = "school", _("School")
    CLASSROOM = "classroom", _("Classroom")


# Which scope each role may be granted at.
ALLOWED_SCOPES: dict[str, frozenset[str]] = {
    Role.BUREAU_ADMIN: frozenset({ScopeKind.REGION}),
    Role.SCHOOL_ADMIN: frozenset({ScopeKind.SCHOOL}),
    Role.TEACHER: frozenset({ScopeKind.SCHOOL}),
    Role.STUDENT: frozenset({ScopeKind.SCHOOL}),
    Role.GUARDIAN: frozenset({ScopeKind.SCHOOL}),
    Role.RESEARCHER: frozenset({ScopeKind.REGION}),
    Role.INSPECTOR: frozenset({ScopeKind.REGION, ScopeKind.SCHOOL}),
    Role.REVIEWER: frozenset({ScopeKind.REGION}),
    Role.TECH_SUPPORT: frozenset({ScopeKind.REGION, ScopeKind.SCHOOL}),
    Role.CLASSROOM_TERMINAL: frozenset({ScopeKind.CLASSROOM}),
}

# Roles that work with the organisation (see schools, classes, people in their scope).
STAFF_ROLES = frozenset(
    {
        Role.BUREAU_ADMIN,
        Role.SCHOOL_ADMIN,
        Role.TEACHER,
        Role.RESEARCHER,
        Role.INSPECTOR,
        Role.REVIEWER,
        Role.TECH_SUPPORT,
    }
)
# Roles that may change the organisation in their scope.
ADMIN_ROLES = frozenset({Role.BUREAU_ADMIN, Role.SCHOOL_ADMIN})
