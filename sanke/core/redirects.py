"""Where a page may send the browser next when the request names the place (a ``next`` field)."""

from __future__ import annotations

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def local_next(request, fallback: str, *, field: str = "next") -> str:
    """The ``next`` address the request carries (POST first, then GET) if it stays on this site, else
    ``fallback``.

    A ``next`` value is chosen by whoever built the link or form, so an address on another host (or a
    ``javascript:`` or scheme-relative one) would turn our redirect into a trusted-looking jump to a
    phishing page. In production only https addresses of this site are accepted.
    """
    target = request.POST.get(field) or request.GET.get(field) or ""
    if target and url_has_allowed_host_and_scheme(
        target,
        allowed_hosts={request.get_host()},
        require_https=getattr(settings, "PRODUCTION", False) or request.is_secure(),
    ):
        return target
    return fallback
