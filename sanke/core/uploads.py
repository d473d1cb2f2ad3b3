"""Upload limits, enforced before a request body is read into memory or onto disk.

Three layers, cheapest first:

- ``BodySizeLimit`` wraps the ASGI application: a request whose ``Content-Length`` exceeds
  ``SANKE_UPLOAD_MAX_BYTES`` is answered 413 before Django reads a byte of it (Django's ASGI handler would
  otherwise spool the whole body to a temporary file first); a chunked body without a length is cut off
  once it passes the limit. ``BodySizeLimitMiddleware`` does the same check first thing under WSGI.
- ``LimitedUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) stops storing an uploaded file once it
  passes ``SANKE_IMPORT_MAX_BYTES``: the rest of that file is discarded as it streams past, the form's
  other fields are still parsed, and ``refused_uploads(request)`` tells the view which file fields were
  refused, so the page shows a Chinese message with what the user typed kept.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _


def request_body_limit() -> int:
    return int(getattr(settings, "SANKE_UPLOAD_MAX_BYTES", 16 * 1024 * 1024))


def upload_file_limit() -> int:
    return int(getattr(settings, "SANKE_IMPORT_MAX_BYTES", 10 * 1024 * 1024))


def megabytes(limit: int) -> str:
    return f"{limit / 1024 / 1024:g}"


def file_too_large_message(limit: int | None = None) -> str:
    return _(
        "The file is larger than %(mb)s MB. Split it into several files (for example one per school or "
        "grade) and upload them one by one."
    ) % {"mb": megabytes(limit or upload_file_limit())}


# --- Django: per-file limit while parsing a multipart body -----------------------------------------------
class LimitedUploadHandler(FileUploadHandler):
    """Discards an uploaded file as soon as it passes the limit, and notes it on the request."""

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_file_limit():
            refused: set[str] = getattr(self.request, "_sanke_refused_uploads", set())
            refused.add(self.field_name)
            setattr(self.request, "_sanke_refused_uploads", refused)  # noqa: B010  (not a declared attribute)
            raise SkipFile()  # the parser drops this file and reads on to the next field
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers store the file


def refused_uploads(request) -> set[str]:
    """The file fields of ``request`` that were dropped for being larger than the limit."""
    if request.method == "POST":
        request.POST  # noqa: B018  (parsing the body runs the upload handlers)
    return set(getattr(request, "_sanke_refused_uploads", set()))


# --- Django: the whole request body, before it is read --------------------------------------------------
def too_large_response(limit: int) -> HttpResponse:
    """A small Chinese page (no template, no script: nothing of the request has been read)."""
    message = _(
        "What you sent is larger than %(mb)s MB, so it was not accepted. Go back, choose a smaller file "
        "(split a large spreadsheet into several files) and send it again."
    ) % {"mb": megabytes(limit)}
    body = (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>'
        f"{escape(_('Too large'))}</title></head><body><h1>{escape(_('Too large'))}</h1>"
        f"<p>{escape(message)}</p></body></html>"
    )
    return HttpResponse(body, status=413, content_type="text/html; charset=utf-8")


class BodySizeLimitMiddleware:
    """Answers 413 when ``Content-Length`` exceeds ``SANKE_UPLOAD_MAX_BYTES``, before anything (the CSRF
    check included) reads the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_body_limit()
        if length > limit:
            return too_large_response(limit)
        return self.get_response(request)


# --- ASGI: before Django spools the body ----------------------------------------------------------------
class BodySizeLimit:
    """ASGI middleware: refuse HTTP bodies over ``SANKE_UPLOAD_MAX_BYTES`` without reading them."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = request_body_limit()
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            return await _send_too_large(send, limit)
        received = 0
        cut_off = False
        started = False

        async def limited_receive():
            nonlocal received, cut_off
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut_off = True  # Django sees a client that went away and answers nothing
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, tracking_send)
        if cut_off and not started:
            await _send_too_large(send, limit)


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_too_large(send, limit: int) -> None:
    response = too_large_response(limit)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(response.content)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": response.content})
