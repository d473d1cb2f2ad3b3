"""The scoping kernel: what a user may see and change, and querysets that narrow themselves to it.

Every role grant has a scope (a region subtree by division-code prefix, a school with its teaching
points, or one classroom). The kernel holds the *value* of a user's scope (``Scope``), the queryset
base every scoped model uses (``ScopedQuerySet.visible_to(user, action)``), and nothing else: it
imports no model. Which grants a user holds is the accounts app's business; it plugs its resolver in
with ``register_scope_resolver`` from ``AccountsConfig.ready``.

Two actions exist: ``VIEW`` (lists, detail pages, API reads, sockets) and ``CHANGE`` (forms, actions
started from a page). Single objects are fetched with ``sanke.core.access.access_object``, which
answers 404 for missing-or-out-of-scope and 403 for visible-but-not-changeable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)

_CACHE_ATTR = "_sanke_scope"


@dataclass(frozen=True)
class Scope:
    """A user's reach, as sets of region prefixes and school ids per bucket.

    read: the organisation (schools, grades, classes, classrooms); staff: people and data inside a
    school (staff roles only); manage: changing the organisation (admins); equipment: changing
    classrooms and equipment (tech support). ``roles`` are role values; the kernel gives them no
    meaning beyond the role groups the resolver passes in.
    """

    is_superuser: bool = False
    roles: frozenset[str] = frozenset()
    staff_roles: frozenset[str] = frozenset()
    admin_roles: frozenset[str] = frozenset()
    bureau_admin_role: str = ""
    operator_roles: frozenset[str] = frozenset()  # who sees the system status (bureau admins, tech support)
    terminal_role: str = ""
    student_role: str = ""
    guardian_role: str = ""
    region_prefixes: frozenset[str] = frozenset()
    school_ids: frozenset[int] = frozenset()
    staff_region_prefixes: frozenset[str] = frozenset()
    staff_school_ids: frozenset[int] = frozenset()
    manage_region_prefixes: frozenset[str] = frozenset()
    manage_school_ids: frozenset[int] = frozenset()
    equipment_region_prefixes: frozenset[str] = frozenset()
    equipment_school_ids: frozenset[int] = frozenset()
    classroom_ids: frozenset[int] = frozenset()
    grants: tuple = field(default=(), compare=False)

    # --- what kind of user ---------------------------------------------------------------------------
    @property
    def is_staff_role(self) -> bool:
        return self.is_superuser or bool(self.roles & self.staff_roles)

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or bool(self.roles & self.admin_roles)

    @property
    def is_bureau_admin(self) -> bool:
        return self.is_superuser or self.bureau_admin_role in self.roles

    @property
    def is_operator(self) -> bool:
        return self.is_superuser or bool(self.roles & self.operator_roles)

    @property
    def is_terminal_only(self) -> bool:
        """A classroom terminal account and nothing more (its home is the big screen)."""
        return self.terminal_role in self.roles and not self.is_staff_role

    @property
    def is_student(self) -> bool:
        return self.is_superuser or self.student_role in self.roles

    @property
    def is_guardian(self) -> bool:
        return self.is_superuser or self.guardian_role in self.roles

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or bool(self.roles & set(roles))

    # --- filters ---------------------------------------------------------------------------------------
    @staticmethod
    def _q(path: str, prefixes: Iterable[str], school_ids: Iterable[int]) -> Q | None:
        in_regions = [Q(region__code__startswith=prefix) for prefix in sorted(prefixes)]
        if path and in_regions:
            # Below a school, the schools of the granted regions as a subquery: joining school and region
            # into every row (outer joins, under an OR) made counting a county's people 5x slower.
            schools = apps.get_model("org.School")._default_manager.filter(reduce(or_, in_regions))
            parts = [Q(**{f"{path}pk__in": schools.values("pk")})]
        else:
            parts = in_regions
        ids = sorted(school_ids)
        if ids:
            parts.append(Q(**{f"{path}pk__in" if path else "pk__in": ids}))
        return reduce(or_, parts) if parts else None

    def school_q(self, path: str = "", *, staff_only: bool = False) -> Q | None:
        """Filter for objects whose school (reached by ``path``) is visible; None means nothing."""
        if staff_only:
            return self._q(path, self.staff_region_prefixes, self.staff_school_ids)
        return self._q(path, self.region_prefixes, self.school_ids)

    def manage_q(self, path: str = "") -> Q | None:
        """Filter for objects whose school (reached by ``path``) this user may change."""
        return self._q(path, self.manage_region_prefixes, self.manage_school_ids)

    def equipment_q(self, path: str = "") -> Q | None:
        """Filter for classrooms and equipment this user may change: admins plus tech support."""
        return self._q(
            path,
            self.manage_region_prefixes | self.equipment_region_prefixes,
            self.manage_school_ids | self.equipment_school_ids,
        )

    def region_q(self, path: str = "") -> Q | None:
        """Regions inside a granted subtree, plus the regions of granted schools."""
        parts = [Q(**{f"{path}code__startswith": prefix}) for prefix in sorted(self.region_prefixes)]
        if self.school_ids:
            parts.append(Q(**{f"{path}schools__pk__in": sorted(self.school_ids)}))
        return reduce(or_, parts) if parts else None

    def manage_region_q(self, path: str = "") -> Q | None:
        """Regions inside the subtree a bureau admin was granted (their own included)."""
        parts = [Q(**{f"{path}code__startswith": prefix}) for prefix in sorted(self.manage_region_prefixes)]
        return reduce(or_, parts) if parts else None

    def audit_q(self) -> Q | None:
        parts = [Q(region_code__startswith=p) for p in sorted(self.manage_region_prefixes)]
        if self.manage_school_ids:
            parts.append(Q(school_id__in=sorted(self.manage_school_ids)))
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

    # --- object checks (for objects already in hand; lists use the filters above) ----------------------
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


# --- the resolver ----------------------------------------------------------------------------------------
_resolver: Callable[[Any], Scope] | None = None


def register_scope_resolver(resolver: Callable[[Any], Scope]) -> None:
    """Install the function that computes a user's scope (accounts does, from its role grants)."""
    global _resolver
    _resolver = resolver


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        if _resolver is None:
            raise RuntimeError("No scope resolver is registered (is sanke.accounts installed?).")
        cached = _resolver(user)
        try:
            setattr(user, _CACHE_ATTR, cached)
        except AttributeError:  # AnonymousUser instances are shared; don't cache on them
            pass
    return cached


def forget_scope(user) -> None:
    """Drop the cached scope after the user's grants change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# --- scoped querysets ------------------------------------------------------------------------------------
class ScopedQuerySet(models.QuerySet):
    """A queryset that narrows itself to what a user may see (``VIEW``) or change (``CHANGE``).

    Subclasses say where the scope lies, and override ``scope_q`` only when the rule is not "the school
    reached by ``scope_path``":

    - ``scope_path``: the lookup from the model to its school ("" for School itself);
    - ``staff_only``: whether seeing it needs a staff role at that school (people, classes, ...);
    - ``change_rule``: "manage" (admins), "equipment" (admins and tech support) or "none";
    - ``superuser_sees_all``: False where even superusers are filtered (accounts);
    - ``follows``: ``(lookup, "app_label.Model")`` for objects that are visible and changeable exactly
      when their parent is (a lesson follows its series' alliance); the parent is resolved by label, so
      no app imports another's models for this.
    """

    scope_path: str = "school__"
    staff_only: bool = True
    change_rule: str = "manage"
    follows: tuple[str, str] | None = None
    distinct_rows: bool = False
    superuser_sees_all: bool = True

    def visible_to(self, user, action: str = VIEW):
        if action not in ACTIONS:
            raise ValueError(f"unknown scope action {action!r}")
        scope = scope_for(user)
        if scope.is_superuser and self.superuser_sees_all:
            return self
        if self.follows is not None:
            lookup, label = self.follows
            parent = apps.get_model(label)._default_manager.all()
            return self.filter(**{f"{lookup}__in": parent.visible_to(user, action).values("pk")})
        query = self.scope_q(scope, user, action)
        if query is None:
            return self.none()
        narrowed = self.filter(query)
        return narrowed.distinct() if self.distinct_rows else narrowed

    def scope_q(self, scope: Scope, user, action: str) -> Q | None:
        """The filter for ``action``; None means nothing at all."""
        if action == VIEW:
            return scope.school_q(self.scope_path, staff_only=self.staff_only)
        if self.change_rule == "manage":
            return scope.manage_q(self.scope_path)
        if self.change_rule == "equipment":
            return scope.equipment_q(self.scope_path)
        return None

    def changeable_by(self, user):
        """Shorthand for ``visible_to(user, CHANGE)``: the choices a form may offer."""
        return self.visible_to(user, CHANGE)


def scoped_models() -> list[type[models.Model]]:
    """Every installed model whose default manager is scoped (the scope walk and lint use this)."""
    return [
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), ScopedQuerySet) and model.__module__.startswith("sanke.")
    ]
