"""Who may change an alliance and its series."""

from sanke.core.scoping import scope_for


def can_manage_alliance(user, alliance) -> bool:
    """The bureau that owns it, the host school's admins, and the alliance coordinator."""
    scope = scope_for(user)
    return (
        scope.can_manage_region(alliance.region)
        or scope.can_manage_school(alliance.host_school)
        or (alliance.coordinator_id is not None and alliance.coordinator_id == user.pk)
    )
