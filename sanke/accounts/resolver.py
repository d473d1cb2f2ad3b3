"""The scope resolver: a user's ``Scope`` computed from their role assignments.

The kernel (``sanke.core.scoping``) asks this function through ``register_scope_resolver``
(``AccountsConfig.ready``). Region grants cover a subtree by division-code prefix; school grants cover
that school and the teaching points whose central school it is; a classroom terminal covers its
classroom only.
"""

from __future__ import annotations

from typing import TypedDict

from sanke.accounts.choices import ADMIN_ROLES, STAFF_ROLES, Role
from sanke.accounts.models import RoleAssignment
from sanke.core.scoping import Scope
from sanke.org.models import School


class _RoleGroups(TypedDict):
    """The role values the kernel's ``Scope`` groups by (it gives them no other meaning)."""

    staff_roles: frozenset[str]
    admin_roles: frozenset[str]
    bureau_admin_role: str
    operator_roles: frozenset[str]
    terminal_role: str
    student_role: str
    guardian_role: str


_ROLE_GROUPS: _RoleGroups = {
    "staff_roles": frozenset(STAFF_ROLES),
    "admin_roles": frozenset(ADMIN_ROLES),
    "bureau_admin_role": Role.BUREAU_ADMIN.value,
    "operator_roles": frozenset({Role.BUREAU_ADMIN.value, Role.TECH_SUPPORT.value}),
    "terminal_role": Role.CLASSROOM_TERMINAL.value,
    "student_role": Role.STUDENT.value,
    "guardian_role": Role.GUARDIAN.value,
}


def _expand_schools(ids: set[int]) -> set[int]:
    """A school grant also covers the teaching points of that central school."""
    if not ids:
        return set()
    points = School.objects.filter(central_school_id__in=ids).values_list("pk", flat=True)
    return ids | set(points)


def compute_scope(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(**_ROLE_GROUPS)
    if user.is_superuser:
        return Scope(is_superuser=True, roles=frozenset(Role.values), **_ROLE_GROUPS)

    grants = tuple(
        RoleAssignment.objects.filter(user=user).select_related(
            "region", "school", "classroom__school__region"
        )
    )
    roles: set[str] = set()
    buckets: dict[str, tuple[set[str], set[int]]] = {
        name: (set(), set()) for name in ("read", "staff", "manage", "equipment")
    }
    classroom_ids: set[int] = set()
    for grant in grants:
        roles.add(grant.role)
        targets = ["read"]
        if grant.role in STAFF_ROLES:
            targets.append("staff")
        if grant.role in ADMIN_ROLES:
            targets.append("manage")
        if grant.role == Role.TECH_SUPPORT:
            targets.append("equipment")
        for name in targets:
            prefixes, school_ids = buckets[name]
            if grant.region_id:
                prefixes.add(grant.region.prefix)
            elif grant.school_id:
                school_ids.add(grant.school_id)
        if grant.classroom_id:
            classroom_ids.add(grant.classroom_id)
            buckets["read"][1].add(grant.classroom.school_id)
    expanded = {name: (frozenset(p), frozenset(_expand_schools(s))) for name, (p, s) in buckets.items()}
    return Scope(
        **_ROLE_GROUPS,
        roles=frozenset(roles),
        region_prefixes=expanded["read"][0],
        school_ids=expanded["read"][1],
        staff_region_prefixes=expanded["staff"][0],
        staff_school_ids=expanded["staff"][1],
        manage_region_prefixes=expanded["manage"][0],
        manage_school_ids=expanded["manage"][1],
        equipment_region_prefixes=expanded["equipment"][0],
        equipment_school_ids=expanded["equipment"][1],
        classroom_ids=frozenset(classroom_ids),
        grants=grants,
    )
