"""Encryption at rest for personal data (national id numbers, phone numbers).

Values are encrypted with Fernet (AES-128-CBC + HMAC) from the ``cryptography`` package under keys
derived from the field keys (``settings.SANKE_FIELD_KEYS``: the current key first, then older ones kept
only for reading). The field keys live apart from ``SECRET_KEY``, so that rotating one never touches the
other; ``manage.py rotate_field_key`` replaces the current key and re-encrypts everything. Encrypted values
cannot be searched, so each such field has a keyed digest beside it (``<field>_digest``, HMAC-SHA256 under
the current key) that supports exact-match lookups and uniqueness without revealing the value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


@lru_cache(maxsize=8)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    material = hashlib.sha256(("sanke-field-encryption:" + secret).encode()).digest()
    digest_key = hashlib.sha256(("sanke-field-digest:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(material)), digest_key


@lru_cache(maxsize=8)
def _multi(keys: tuple[str, ...]) -> MultiFernet:
    """Encrypts with the first key, decrypts with any: old ciphertexts stay readable during a rotation."""
    return MultiFernet([_keys(key)[0] for key in keys])


def field_keys() -> tuple[str, ...]:
    keys = tuple(settings.SANKE_FIELD_KEYS)
    if not keys:
        raise ValueError("no field key: set SANKE_FIELD_KEY")
    return keys


def encrypt(value: str) -> str:
    return PREFIX + _multi(field_keys()).encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        return value
    try:
        return _multi(field_keys()).decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:  # wrong key: refuse loudly rather than show ciphertext
        raise ValueError("cannot decrypt a personal-data field: are the field keys right?") from exc


def digest(value: str) -> str:
    """Keyed digest (current field key) of a normalised value, for lookups and uniqueness of encrypted
    fields; ``rotate_field_key`` recomputes the stored ones."""
    if not value:
        return ""
    _, key = _keys(field_keys()[0])
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def encrypted_fields():
    """Every ``(model, field, digest field or None)`` of the installed models, for the key rotation.

    The digest beside an encrypted field is the field named ``<name>_digest`` on the same model."""
    from django.apps import apps

    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedCharField):
                twin = f"{field.name}_digest"
                yield model, field, (twin if twin in names else None)


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
