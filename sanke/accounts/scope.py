"""What a user may see and change, computed once per request from their role assignments.

This is the one scoping helper of the platform (``Model.objects.visible_to(user)`` asks it for a
filter). Region grants cover a subtree by division-code prefix; school grants cover that school and
the teaching points whose central school it is; a classroom terminal covers its classroom only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q

from sanke.accounts.choices import ADMIN_ROLES, STAFF_ROLES, Role

_CACHE_ATTR = "_sanke_scope"


@dataclass(frozen=True)
class Scope:
    is_superuser: bool = False
    roles: frozenset[str] = frozenset()
    # read access to the organisation (schools, grades, classes, classrooms)
    region_prefixes: frozenset[str] = frozenset()
    school_ids: frozenset[int] = frozenset()
    # read access to people lists (staff roles only)
    staff_region_prefixes: frozenset[str] = frozenset()
    staff_school_ids: frozenset[int] = frozenset()
    # right to change the organisation
    manage_region_prefixes: frozenset[str] = frozenset()
    manage_school_ids: frozenset[int] = frozenset()
    # support staff may change classrooms and equipment
    equipment_region_prefixes: frozenset[str] = frozenset()
    equipment_school_ids: frozenset[int] = frozenset()
    classroom_ids: frozenset[int] = frozenset()
    grants: tuple = field(default=(), compare=False)

    # --- what kind of user ---------------------------------------------------------------------------
    @property
    def is_staff_role(self) -> bool:
        return self.is_superuser or bool(self.roles & STAFF_ROLES)

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or bool(self.roles & ADMIN_ROLES)

    @property
    def is_bureau_admin(self) -> bool:
        return self.is_superuser or Role.BUREAU_ADMIN in self.roles

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.roles & set(roles))

    # --- filters ---------------------------------------------------------------------------------------
    @staticmethod
    def _q(path: str, prefixes, school_ids) -> Q | None:
        parts = [Q(**{f"{path}region__code__startswith": prefix}) for prefix in sorted(prefixes)]
        if school_ids:
            parts.append(Q(**{f"{path}pk__in" if path else "pk__in": sorted(school_ids)}))
        return reduce(or_, parts) if parts else None

    def school_q(self, path: str = "", *, staff_only: bool = False) -> Q | None:
        """Filter for objects whose school (reached by ``path``) is visible; None means nothing."""
        if staff_only:
            return self._q(path, self.staff_region_prefixes, self.staff_school_ids)
        return self._q(path, self.region_prefixes, self.school_ids)

    def manage_q(self, path: str = "") -> Q | None:
        """Filter for objects whose school (reached by ``path``) this user may change."""
        return self._q(path, self.manage_region_prefixes, self.manage_school_ids)

    def region_q(self) -> Q | None:
        """Regions inside a granted subtree, plus the regions of granted schools."""
        parts = [Q(code__startswith=prefix) for prefix in sorted(self.region_prefixes)]
        if self.school_ids:
            parts.append(Q(schools__pk__in=sorted(self.school_ids)))
        return reduce(or_, parts) if parts else None

    def audit_q(self) -> Q | None:
        parts = [Q(region_code__startswith=p) for p in sorted(self.manage_region_prefixes)]
        school_admin_ids = self.manage_school_ids
        if school_admin_ids:
            parts.append(Q(school_id__in=sorted(school_admin_ids)))
        return reduce(or_, parts) if parts else None

    def manage_grants_q(self) -> Q | None:
        """Role grants an admin may see and revoke: those whose scope lies inside what they manage."""
        parts = []
        for prefix in sorted(self.manage_region_prefixes):
            parts += [
                Q(region__code__startswith=prefix),
                Q(school__region__code__startswith=prefix),
                Q(classroom__school__region__code__startswith=prefix),
            ]
        if self.manage_school_ids:
            ids = sorted(self.manage_school_ids)
            parts += [Q(school_id__in=ids), Q(classroom__school_id__in=ids)]
        return reduce(or_, parts) if parts else None

    # --- object checks ---------------------------------------------------------------------------------
    @staticmethod
    def _covers(school, prefixes, school_ids) -> bool:
        return school.pk in school_ids or any(school.region.code.startswith(p) for p in prefixes)

    def can_manage_school(self, school) -> bool:
        return self.is_superuser or self._covers(school, self.manage_region_prefixes, self.manage_school_ids)

    def can_manage_equipment(self, school) -> bool:
        return self.can_manage_school(school) or self._covers(
            school, self.equipment_region_prefixes, self.equipment_school_ids
        )

    def can_manage_region(self, region) -> bool:
        """A bureau admin manages the regions inside the subtree they were granted (their own included)."""
        return self.is_superuser or any(region.code.startswith(p) for p in self.manage_region_prefixes)

    def can_see_staff_data(self, school) -> bool:
        return self.is_superuser or self._covers(school, self.staff_region_prefixes, self.staff_school_ids)


def _expand_schools(ids: set[int]) -> set[int]:
    """A school grant also covers the teaching points of that central school."""
    if not ids:
        return set()
    from sanke.org.models import School

    points = School.objects.filter(central_school_id__in=ids).values_list("pk", flat=True)
    return ids | set(points)


def compute_scope(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(is_superuser=True, roles=frozenset(Role.values))
    from sanke.accounts.models import RoleAssignment

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


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = compute_scope(user)
        try:
            setattr(user, _CACHE_ATTR, cached)
        except AttributeError:  # AnonymousUser instances are shared; don't cache on them
            pass
    return cached


def forget_scope(user) -> None:
    """Drop the cached scope after the user's grants change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
