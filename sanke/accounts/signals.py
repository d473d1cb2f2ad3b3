"""Audit logins and failed logins (Django's auth signals; django-axes counts failures for lockout)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from sanke.core.audit import record_audit
from sanke.core.middleware import context_from_request


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    from sanke.accounts.actions import user_placement

    record_audit(
        user,
        "auth.login",
        None,
        context=context_from_request(request) if request else None,
        **user_placement(user),
    )


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is None:
        return
    from sanke.accounts.actions import user_placement

    record_audit(
        user,
        "auth.logout",
        None,
        context=context_from_request(request) if request else None,
        **user_placement(user),
    )


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    from sanke.accounts.actions import user_placement
    from sanke.accounts.models import User

    username = (credentials or {}).get("username", "")[:150]
    known = User.objects.filter(username=username).first() if username else None
    placement = user_placement(known) if known else {"region_code": "", "school": None}
    record_audit(
        None,
        "auth.login_failed",
        None,
        actor_username=username,
        context=context_from_request(request) if request else None,
        **placement,
    )
