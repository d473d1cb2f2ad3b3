"""Telling a user's open WebSockets that their account changed, from code that must not know the sockets.

Why: a WebSocket is authenticated once, when it opens, and may then stay open for a whole lesson (a
classroom terminal for days). Without this, a disabled account, a revoked role, a logout or a forced password
change would leave the socket working with the rights it had at connect. The account actions sit below the
realtime apps in the layers, so they cannot call a consumer; they call ``close_user_sockets`` instead, which
sends one channel-layer message to the user's group (``user_group``) after the transaction commits. Every
long-lived consumer joins that group when it connects and, on the message, checks the account again (the
consumer decides: a socket whose own session survived a change elsewhere may stay open).

Sessions end in more ways than an action: logout, an admin deleting sessions, ``clearsessions``. The
receivers below turn the deletion of a session row and Django's ``user_logged_out`` into the same message,
naming the session, so only the sockets opened with that session close at once. A session that simply
expires (idle timeout) deletes nothing: the consumers re-check the session on their own, see
``session_is_valid``.

With the in-memory channel layer (``make run``) a message reaches the sockets of the process that sent it
(the web process, where the account pages run); with Redis it reaches every process.
"""

from __future__ import annotations

import logging
from importlib import import_module

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.crypto import constant_time_compare

logger = logging.getLogger(__name__)

#: The channel-layer message type; a consumer handles it in ``account_changed``.
ACCOUNT_CHANGED = "account.changed"


def user_group(user_id: int) -> str:
    """The channel-layer group of every open socket of one user (distinct from the presence check's)."""
    return f"sockets.user.{int(user_id)}"


def close_user_sockets(user_id: int | None, reason: str, *, session_key: str | None = None) -> None:
    """After the current transaction commits, ask every open socket of ``user_id`` to check its account
    again; with ``session_key``, the sockets opened with that session close whatever they find."""
    if not user_id:
        return
    message = {"type": ACCOUNT_CHANGED, "reason": reason, "session": session_key}
    transaction.on_commit(lambda: _send(int(user_id), message))


def _send(user_id: int, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(user_group(user_id), message)
    except Exception:  # the sockets still re-check on their own; an account change must not fail for this
        logger.exception("could not tell the sockets of user %s that their account changed", user_id)


def session_is_valid(session_key: str | None, user) -> bool:
    """Whether the session a socket was opened with still logs ``user`` in, as the next page request would.

    Loading the session from its store skips expired sessions (idle timeout); the stored hash of the
    password must still match, as ``django.contrib.auth.get_user`` requires (a changed password ends every
    other session). A socket without a session (tests, a token) has nothing to check here.
    """
    if session_key is None:
        return True
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()
    if not data or str(data.get(SESSION_KEY)) != str(user.pk) or not data.get(BACKEND_SESSION_KEY):
        return False
    stored = data.get(HASH_SESSION_KEY) or ""
    hashes = [user.get_session_auth_hash()]
    fallback = getattr(user, "get_session_auth_fallback_hash", None)
    if fallback is not None:
        hashes.extend(fallback())
    return any(constant_time_compare(stored, candidate) for candidate in hashes)


def _session_deleted(sender, instance, **kwargs) -> None:
    """A session row is gone (logout, an admin ending sessions, ``clearsessions``): close its sockets."""
    try:
        user_id = instance.get_decoded().get(SESSION_KEY)
    except Exception:  # an undecodable session logged nobody in
        return
    if user_id:
        close_user_sockets(int(user_id), "session ended", session_key=instance.session_key)


def _logged_out(sender, request, user, **kwargs) -> None:
    """Logout: the session is flushed right after this signal, so name it rather than re-check it."""
    session = getattr(request, "session", None)
    if user is not None and session is not None:
        close_user_sockets(user.pk, "logged out", session_key=session.session_key)


def connect_signals() -> None:
    """Called from CoreConfig.ready (the session model is loaded by then)."""
    from django.contrib.sessions.models import Session

    post_delete.connect(_session_deleted, sender=Session, dispatch_uid="sanke.realtime.session_deleted")
    user_logged_out.connect(_logged_out, dispatch_uid="sanke.realtime.logged_out")
