"""User accounts and scoped role assignments."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sanke.accounts.choices import ALLOWED_SCOPES, Role, ScopeKind
from sanke.core.models import TimeStampedModel
from sanke.core.scoping import VIEW, ScopedQuerySet


def managed_accounts(scope):
    """Accounts an admin may look after: holders of a grant inside their scope, and people of their schools.

    Superusers are never managed through these pages (only through Django's admin by other superusers).
    """
    if scope.is_superuser:
        return User.objects.filter(is_superuser=False)
    grants = scope.manage_grants_q()
    if grants is None:
        return User.objects.none()
    query = models.Q(pk__in=RoleAssignment.objects.filter(grants).values("user_id")) | scope.manage_q(
        "person__school__"
    )
    return User.objects.filter(query, is_superuser=False).distinct()


class UserQuerySet(ScopedQuerySet):
    """Admins see (and change) the accounts they look after; everyone sees their own. Superusers are
    looked after only in Django's admin, so they are filtered like everyone else."""

    superuser_sees_all = False

    def scope_q(self, scope, user, action):
        if not user.is_authenticated:
            return None
        managed = models.Q(pk__in=managed_accounts(scope).values("pk"))
        return managed | models.Q(pk=user.pk) if action == VIEW else managed


# The mypy plugin of django-stubs builds from_queryset() managers, but not as a base class here: auth.models
# and this module import each other, and mypy gives up on the deferred class (python/mypy#17402). The
# manager's methods type as Any.
class SankeUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A login. The person behind it (name, school, ids) is ``org.Person``; what it may do is its roles."""

    objects: ClassVar[SankeUserManager] = SankeUserManager()

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignmentQuerySet(ScopedQuerySet):
    """Grants a user may see: their own, and those inside the scope they administer (which they may
    also revoke)."""

    def scope_q(self, scope, user, action):
        manage = scope.manage_grants_q()
        if action != VIEW:
            return manage
        own = models.Q(user=user)
        return own | manage if manage is not None else own


class RoleAssignment(TimeStampedModel):
    """A user holds ``role`` within exactly one scope: a region subtree, a school, or a classroom.

    A bureau admin granted at a county covers every school below it through the region tree, with no
    per-school rows; a teacher is granted at a school; a classroom terminal at one classroom.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="role_assignments",
        on_delete=models.CASCADE,
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE
    )
    school = models.ForeignKey(
        "org.School", verbose_name=_("school"), null=True, blank=True, on_delete=models.CASCADE
    )
    classroom = models.ForeignKey(
        "org.Classroom", verbose_name=_("classroom"), null=True, blank=True, on_delete=models.CASCADE
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user_id", "role"]
        constraints = [
            models.CheckConstraint(
                name="role_assignment_exactly_one_scope",
                condition=(
                    models.Q(region__isnull=False, school__isnull=True, classroom__isnull=True)
                    | models.Q(region__isnull=True, school__isnull=False, classroom__isnull=True)
                    | models.Q(region__isnull=True, school__isnull=True, classroom__isnull=False)
                ),
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", "role", scope],
                    condition=models.Q(**{f"{scope}__isnull": False}),
                    name=f"role_assignment_unique_per_{scope}",
                )
                for scope in ("region", "school", "classroom")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_object}"

    @property
    def scope_kind(self) -> str:
        if self.region_id:
            return ScopeKind.REGION
        if self.school_id:
            return ScopeKind.SCHOOL
        return ScopeKind.CLASSROOM

    @property
    def scope_object(self):
        return self.region or self.school or self.classroom

    def clean(self) -> None:
        scopes = [s for s in (self.region_id, self.school_id, self.classroom_id) if s]
        if len(scopes) != 1:
            raise ValidationError(_("Choose exactly one scope: a region, a school or a classroom."))
        if self.scope_kind not in ALLOWED_SCOPES[self.role]:
            allowed = "、".join(str(ScopeKind(kind).label) for kind in sorted(ALLOWED_SCOPES[self.role]))
            raise ValidationError(
                _("The role %(role)s can only be granted at: %(allowed)s.")
                % {"role": self.get_role_display(), "allowed": allowed}
            )

    def audit_placement(self):
        obj = self.scope_object
        return obj.audit_placement() if obj is not None else ("", None)


class TerminalPairing(models.Model):
    """A one-time code that logs a classroom's big-screen PC in as that classroom's terminal account.

    The school admin shows the code on their screen and types it once on the terminal: no password is
    ever typed in the classroom. Only a keyed digest of the code is stored; it expires within minutes.
    """

    classroom = models.ForeignKey(
        "org.Classroom", verbose_name=_("classroom"), related_name="pairings", on_delete=models.CASCADE
    )
    code_digest = models.CharField(max_length=64, db_index=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("terminal pairing")
        verbose_name_plural = _("terminal pairings")

    def __str__(self) -> str:
        return f"{self.classroom} · {self.created_at:%Y-%m-%d %H:%M}"
