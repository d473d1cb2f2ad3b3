"""Short-lived signed links to a recording's media, and the playlists rewritten to carry them.

The files of a published recording are never served by their storage name. Each request for a media
playlist answers a copy in which every segment URI carries ``exp`` (a Unix time a few minutes ahead) and
``sig``, an HMAC (key ``recording-media`` from ``core/keys.py``) over the recording, the file, the viewer and
the expiry. A copied playlist or segment link therefore stops working when it expires, and never works for
another account; the segment view also checks the viewer's scope first (404 out of scope).
"""

from __future__ import annotations

import hmac
import time
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from sanke.core.keys import keyed_digest

KEY_LABEL = "recording-media"


def signature(recording_id: int, name: str, user_id: int, expires: int) -> str:
    return keyed_digest(KEY_LABEL, f"{recording_id}/{name}/{user_id}/{expires}")


def signed_query(recording_id: int, name: str, user_id: int, *, now: float | None = None) -> str:
    expires = int((now if now is not None else time.time()) + settings.SANKE_MEDIA_LINK_SECONDS)
    return urlencode({"exp": expires, "sig": signature(recording_id, name, user_id, expires)})


def check(recording_id: int, name: str, user_id: int, exp: str, sig: str) -> str:
    """ "" when the link is good, else why not ("expired", "bad")."""
    if not exp.isdigit() or not sig:
        return "bad"
    if not hmac.compare_digest(signature(recording_id, name, user_id, int(exp)), sig):
        return "bad"
    if int(exp) < time.time():
        return "expired"
    return ""


def master_playlist(recording_id: int, renditions: list[dict]) -> str:
    """The master playlist: one entry per rendition, each pointing at its (per-request) media playlist."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
    for rendition in renditions:
        codecs = "avc1.4d401f,mp4a.40.2" if rendition.get("audio", True) else "avc1.4d401f"
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={rendition['bandwidth']},"
            f'RESOLUTION={rendition["width"]}x{rendition["height"]},CODECS="{codecs}"'
        )
        lines.append(reverse("recordings:playlist", args=[recording_id, rendition["name"]]))
    return "\n".join(lines) + "\n"


def media_playlist(recording_id: int, rendition: str, text: str, user_id: int) -> str:
    """A stored media playlist with each segment URI replaced by a signed link for this viewer."""
    out = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name = f"{rendition}/{line.strip()}"
            url = reverse("recordings:segment", args=[recording_id, rendition, line.strip()])
            line = f"{url}?{signed_query(recording_id, name, user_id)}"
        out.append(line)
    return "\n".join(out) + "\n"
