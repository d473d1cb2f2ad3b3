"""Encryption at rest for personal data (national id numbers, phone numbers).

Values are encrypted with Fernet (AES-128-CBC + HMAC) from the ``cryptography`` package under a key
derived from ``SANKE_FIELD_KEY``. Encrypted values cannot be searched, so each such field has a keyed
digest beside it (HMAC-SHA256) that supports exact-match lookups and uniqueness without revealing
the value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    material = hashlib.sha256(("sanke-field-encryption:" + secret).encode()).digest()
    digest_key = hashlib.sha256(("sanke-field-digest:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(material)), digest_key


def encrypt(value: str) -> str:
    fernet, _ = _keys(settings.SANKE_FIELD_KEY)
    return PREFIX + fernet.encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        return value
    fernet, _ = _keys(settings.SANKE_FIELD_KEY)
    try:
        return fernet.decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:  # wrong key: refuse loudly rather than show ciphertext
        raise ValueError("cannot decrypt a personal-data field: is SANKE_FIELD_KEY right?") from exc


def digest(value: str) -> str:
    """Keyed digest of a normalised value, for lookups and uniqueness of encrypted fields."""
    if not value:
        return ""
    _, key = _keys(settings.SANKE_FIELD_KEY)
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A text field stored encrypted; Python code sees plain text."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else ("*" * len(phone))


def mask_national_id(number: str) -> str:
    return f"{number[:4]}**********{number[-4:]}" if len(number) >= 8 else ("*" * len(number))
