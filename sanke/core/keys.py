"""Secrets derived from the install's secret key, one labelled key per use.

Every secret the platform hands out or checks (Janus tokens, room PINs, calendar links, pairing digests…)
comes from ``SECRET_KEY`` through its own label, so that no two uses share a key and knowing one derived
value tells nothing of another. The field-encryption key is *not* derived from here: it lives apart
(``SANKE_FIELD_KEYS``) so that rotating the secret key never makes personal data unreadable.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def derived_key(label: str) -> bytes:
    """32 bytes for ``label`` (e.g. ``"janus-token"``, ``"room-pin"``); stable while SECRET_KEY is."""
    if not label:
        raise ValueError("a derived key needs a label")
    return hmac.new(settings.SECRET_KEY.encode(), b"sanke-derived:" + label.encode(), hashlib.sha256).digest()


def derived_hex(label: str) -> str:
    return derived_key(label).hex()


def keyed_digest(label: str, message: str) -> str:
    """HMAC-SHA256 of ``message`` under the key for ``label``, hex: for PINs, tokens and digests."""
    return hmac.new(derived_key(label), message.encode(), hashlib.sha256).hexdigest()
