"""Request context for actions (the client address and user agent, for the audit log), the language, and
the security headers of every response.

Actions run far from the view (and from Celery tasks), so rather than threading the request through
every call we keep the few facts the audit log needs in a context variable for the request's duration.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
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


@contextlib.contextmanager
def request_context(context: RequestContext):
    """Act as if inside the request ``context`` came from: background jobs audit their work with the
    address and browser of the request that started them."""
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


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


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL, the form a CSP source takes ("" for something that is no URL)."""
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss", "http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


# Django REST framework's browsable API (its own base template) writes style attributes and a <style> element
# (the code highlighting). Styles cannot run script, so its pages, and only those, allow inline styles.
_API_PREFIX = "/api/"


def content_security_policy(request) -> str:
    """The page may load and run only the platform's own files: no inline script, handler or eval.

    Sockets may reach this host (the lesson room's WebSocket) and the Janus servers of SANKE_JANUS_WS_URLS,
    nothing else. ``media-src mediastream:`` lets a <video> show a camera or a remote WebRTC stream.
    """
    connect = ["'self'"]
    try:
        host = request.get_host()
    except DisallowedHost:  # the response is already the 400 page; it may still connect to 'self'
        host = ""
    if host:
        connect += [f"ws://{host}", f"wss://{host}"]
    connect += [o for o in (_origin(u) for u in settings.SANKE_JANUS_WS_URLS) if o and o not in connect]
    styles = "'self' 'unsafe-inline'" if request.path.startswith(_API_PREFIX) else "'self'"
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src " + styles,
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "connect-src " + " ".join(connect),
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy on every response, and ``no-store`` where personal data may show.

    The CSP is the second line behind escaping: should a name or an event payload ever reach markup, the
    browser still refuses to run it. Classroom PCs are shared, so a page served to a signed-in user (and the
    login page, which may carry a typed username back) is never kept in the browser's cache or its
    back-forward history. Static files keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(request))
        if not request.path.startswith(settings.STATIC_URL) and self._personal(request):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
            response.headers.pop("Expires", None)
        return response

    @staticmethod
    def _personal(request) -> bool:
        if request.path == resolve_url(settings.LOGIN_URL):
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
