"""Replace the field key (the key of the personal data encrypted at rest) and re-encrypt everything with it.

A key that may have leaked (a copied server, a departing administrator) must be replaceable without losing
the national ids and phone numbers it protects. The old keys stay readable (``SANKE_FIELD_KEYS`` keeps them
after the new one), every ``EncryptedCharField`` of every model is rewritten under the new key and its
``<field>_digest`` beside it recomputed, all in one transaction; then the new key becomes the current one.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from sanke.core import crypto
from sanke.core.audit import record_audit


def write_keys(path: Path, keys: list[str]) -> None:
    """Replace the key file atomically (a crash leaves the old or the new file, never half of one), 0600."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write("".join(key + "\n" for key in keys))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def reencrypt(batch_size: int) -> tuple[int, int]:
    """Rewrite every encrypted value (and its digest) under the current key; (values, tables) rewritten.

    Reading decrypts with any of the keys, saving encrypts with the first: ``bulk_update`` goes through the
    field's ``get_prep_value`` like a save, but not through ``Model.save`` (no side effects)."""
    by_model: dict = {}
    for model, field, digest_name in crypto.encrypted_fields():
        by_model.setdefault(model, []).append((field, digest_name))
    count = 0
    for model, fields in by_model.items():
        names = [field.attname for field, _ in fields]
        updated = names + [digest for _, digest in fields if digest]
        last = None
        while True:
            rows = model._base_manager.order_by("pk")
            if last is not None:
                rows = rows.filter(pk__gt=last)
            batch = list(rows.only("pk", *updated)[:batch_size])
            if not batch:
                break
            for row in batch:
                for field, digest_name in fields:
                    value = getattr(row, field.attname)
                    if digest_name:
                        setattr(row, digest_name, crypto.digest(value or ""))
                    count += 1 if value else 0
            model._base_manager.bulk_update(batch, updated)
            last = batch[-1].pk
    return count, len(by_model)


class Command(BaseCommand):
    help = (
        "Make a new field key current (generated, or read from --new-key-file), re-encrypt every encrypted "
        "field and recompute its digest under it, and keep the old keys for reading. Stop the web and worker "
        "processes first and start them again after it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--new-key-file", help="read the new key from this file (default: generate one)")
        parser.add_argument("--batch-size", type=int, default=500, help="rows per update (default 500)")

    def handle(self, *args, new_key_file=None, batch_size=500, **options):
        old_keys = list(settings.SANKE_FIELD_KEYS)
        if new_key_file:
            try:
                new_key = Path(new_key_file).read_text().strip()
            except OSError as error:
                raise CommandError(f"cannot read {new_key_file}: {error}") from error
            if len(new_key) < 32:
                raise CommandError("the new key must be at least 32 characters long")
        else:
            new_key = secrets.token_urlsafe(32)
        if new_key in old_keys:
            raise CommandError("the new key is already one of the field keys")
        keys = [new_key, *old_keys]
        key_file = settings.SANKE_FIELD_KEYS_FILE
        if key_file is not None:
            # Known to the platform before any row uses it, as a reading key: if this command dies after
            # the commit below, the re-encrypted rows stay readable (run it again to finish).
            write_keys(Path(key_file), [*old_keys, new_key])
        elif not new_key_file:
            self.stdout.write(f"New field key (keep it before anything else): {new_key}")

        with override_settings(SANKE_FIELD_KEYS=keys), transaction.atomic():
            values, tables = reencrypt(batch_size)
            record_audit(None, "core.field_key_rotated", changes={"values": values, "tables": tables})

        if key_file is not None:
            write_keys(Path(key_file), keys)
            self.stdout.write(
                f"{values} values in {tables} tables re-encrypted; the new key is current in {key_file} "
                "(the old ones are kept there for reading). Restart every Sanke process now."
            )
        else:
            self.stdout.write(
                f"{values} values in {tables} tables re-encrypted. Set this environment on every Sanke "
                "process and restart them now:\n"
                f"SANKE_FIELD_KEY={'(the content of ' + new_key_file + ')' if new_key_file else new_key}\n"
                f"SANKE_FIELD_KEYS_OLD={','.join(old_keys)}"
            )
