"""Sending notices. Every app that tells schools something calls ``do_notify``."""

from __future__ import annotations

from collections.abc import Iterable

from sanke.notifications.models import Notification

MESSAGE_LENGTH = Notification._meta.get_field("message").max_length


def do_notify(school_ids: Iterable[int], message: str, *, link: str = "") -> list[Notification]:
    """One notice per school (duplicates dropped), in the caller's transaction: a change rolled back
    sends nothing. Outside channels (DingTalk, WeCom, SMS) will hang off this action."""
    ids = sorted({pk for pk in school_ids if pk is not None})
    return Notification.objects.bulk_create(
        Notification(school_id=pk, message=message[:MESSAGE_LENGTH], link=link) for pk in ids
    )
