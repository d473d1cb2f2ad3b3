"""Oversized request bodies are refused before anything reads them (issue 8: no upload limit existed)."""

from __future__ import annotations

from django.test import RequestFactory

from sanke.core.uploads import BodySizeLimit, BodySizeLimitMiddleware
from sanke.testing.aio import run_async


class Unreadable:
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_the_middleware_answers_413_without_reading_the_body(settings):
    settings.SANKE_UPLOAD_MAX_BYTES = 1000
    request = RequestFactory().post("/org/import/", data=b"x", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = "5000"
    request._stream = Unreadable()
    reached = []

    response = BodySizeLimitMiddleware(lambda r: reached.append(r))(request)

    assert response.status_code == 413
    assert "超过" in response.content.decode()
    assert reached == []


def run_asgi(headers, chunks, limit, settings):
    settings.SANKE_UPLOAD_MAX_BYTES = limit
    sent, read = [], []

    async def app(scope, receive, send):  # reads the whole body, like Django's ASGI handler
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        chunk = chunks.pop(0)
        read.append(len(chunk))
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/org/import/", "headers": headers}
    run_async(lambda: BodySizeLimit(app)(scope, receive, send))
    return sent, read


def test_the_asgi_wrapper_refuses_a_declared_length_over_the_limit_unread(settings):
    sent, read = run_asgi([(b"content-length", b"5000")], [b"x" * 5000], 1000, settings)

    assert sent[0]["status"] == 413
    assert read == []


def test_the_asgi_wrapper_cuts_off_a_chunked_body_at_the_limit(settings):
    chunks = [b"x" * 400 for _ in range(100)]  # 40 KB without a Content-Length

    sent, read = run_asgi([], chunks, 1000, settings)

    assert sent[0]["status"] == 413
    assert sum(read) <= 1000 + 400


def test_the_asgi_wrapper_passes_a_body_within_the_limit(settings):
    sent, read = run_asgi([(b"content-length", b"800")], [b"x" * 400, b"x" * 400], 1000, settings)

    assert sent[0]["status"] == 200
    assert sum(read) == 800
