"""Which media backend serves live lessons.

Two backends carry a lesson's video (ARCHITECTURE.md, "live media"):

- ``janus``: a Janus VideoRoom per lesson; every classroom sends its streams once to Janus, which fans them
  out. Django only creates and destroys the rooms (:mod:`sanke.live.media.rooms`, over
  :mod:`sanke.live.media.janus`).
- ``p2p``: no media server; the host exchanges streams directly with each receiving classroom (a star of
  at most four), the platform being only the signaling server.

``SANKE_MEDIA_BACKEND`` forces one; ``auto`` (the default) takes Janus when ``SANKE_JANUS_URL`` is set
and the server answers, so a laptop without the ``janus`` package still holds lessons.
"""

from __future__ import annotations

import time

from django.conf import settings

from sanke.live.media.janus import JanusClient

BACKENDS = ("janus", "p2p")

# How long a reachability answer is trusted. Short: a Janus that starts or dies is noticed quickly, and
# a page that asks for the backend repeatedly does not probe each time.
PROBE_TTL_SECONDS = 10.0
PROBE_TIMEOUT_SECONDS = 0.5
_probes: dict[tuple[str, str], tuple[float, bool]] = {}


def choose_backend() -> str:
    """``"janus"`` or ``"p2p"``, following ``SANKE_MEDIA_BACKEND`` (auto, janus, p2p)."""
    forced = settings.SANKE_MEDIA_BACKEND
    if forced in BACKENDS:
        return forced
    url = settings.SANKE_JANUS_URL
    if url and janus_reachable(url, api_secret=settings.SANKE_JANUS_API_SECRET):
        return "janus"
    return "p2p"


def janus_reachable(url: str, *, api_secret: str = "") -> bool:
    """Whether Janus answers ``info`` at ``url``; the answer is cached for :data:`PROBE_TTL_SECONDS`."""
    key = (url, api_secret)
    now = time.monotonic()
    cached = _probes.get(key)
    if cached is not None and now - cached[0] < PROBE_TTL_SECONDS:
        return cached[1]
    reachable = JanusClient(url, api_secret=api_secret, timeout=PROBE_TIMEOUT_SECONDS).ping()
    _probes[key] = (now, reachable)
    return reachable


def forget_probes() -> None:
    """Drop cached reachability answers (tests, or after starting a Janus)."""
    _probes.clear()
