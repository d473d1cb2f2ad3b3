"""Reading notices."""

from __future__ import annotations

from sanke.notifications.models import Notification


def notifications_for(user, limit: int = 6):
    """The newest notices of the schools where the user works."""
    return Notification.objects.visible_to(user).select_related("school")[:limit]
