"""Who may see which indicators: more than "visible" — a teacher sees their school's lessons but only their
own record; a school admin sees their school's figures; bureau admins, inspectors and teaching researchers
of a region see everything in it."""

from __future__ import annotations

from sanke.accounts.choices import Role
from sanke.core.scoping import Scope

REGION_ROLES = (Role.BUREAU_ADMIN, Role.INSPECTOR, Role.RESEARCHER)
SCHOOL_ROLES = (Role.SCHOOL_ADMIN, Role.INSPECTOR, Role.RESEARCHER)


def may_supervise_region(scope: Scope, region) -> bool:
    if scope.is_superuser or scope.can_manage_region(region):
        return True
    return scope.has_role(*REGION_ROLES) and any(
        region.code.startswith(p) for p in scope.staff_region_prefixes
    )


def may_supervise_school(scope: Scope, school) -> bool:
    if may_supervise_region(scope, school.region):
        return True
    return scope.has_role(*SCHOOL_ROLES) and school.pk in scope.staff_school_ids


def may_read_record(scope: Scope, person, own_person) -> bool:
    """A teacher's record: the teacher, and whoever supervises their school."""
    if own_person is not None and own_person.pk == person.pk:
        return True
    return person.school_id is not None and may_supervise_school(scope, person.school)


def may_open_dashboard(scope: Scope) -> bool:
    """Who gets the menu entry: supervisors and teachers (their own record)."""
    return scope.has_role(*REGION_ROLES, *SCHOOL_ROLES, Role.TEACHER)
