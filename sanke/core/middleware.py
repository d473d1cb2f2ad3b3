"""Request context for actions: the client address and user agent, for the audit log.

Actions run far from the view (and from Celery tasks), so rather than threading the request through
every call we keep the few facts the audit log needs in a context variable for the request's duration.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None
    user_agent: str


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "sanke_request", default=None
)


def current_request_context() -> RequestContext | None:
    return _current.get()


def client_ip(request) -> str | None:
    """The client address; behind a trusted proxy (SANKE_TRUST_X_FORWARDED_FOR) the first forwarded one."""
    if getattr(settings, "SANKE_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


def context_from_request(request) -> RequestContext:
    return RequestContext(client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300])


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(context_from_request(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user picked another language (the language cookie set by the switcher).

    Django's LocaleMiddleware would follow the browser's Accept-Language; classroom PCs and phones
    are often set to English by their vendor, and the platform's users expect Chinese first.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
