"""The field key rotates: ``rotate_field_key`` re-encrypts every encrypted field under a new key and
recomputes the digests beside them; the data reads with the new key (old ones kept), lookups by digest still
find rows, and the old key alone no longer reads anything."""

from __future__ import annotations

import io
import stat

import pytest
from django.core.management import call_command
from django.db import connection

from sanke.core import crypto
from sanke.org.actions import do_save_person
from sanke.org.models import Person

pytestmark = pytest.mark.django_db

NATIONAL_ID = "330127199003070024"


def raw(person: Person, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {Person._meta.db_table} WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


@pytest.fixture
def key_file(settings, tmp_path):
    """This install's field keys in a file of the test's own, as the var file of a laptop install."""
    path = tmp_path / "field_keys"
    path.write_text("".join(key + "\n" for key in settings.SANKE_FIELD_KEYS))
    settings.SANKE_FIELD_KEYS_FILE = path
    return path


def test_rotating_the_field_key_keeps_personal_data_readable(world, settings, key_file):
    # given 王芳 with a phone and (now) a national id, encrypted under this install's key
    teacher = world.people["teacher"]
    teacher.national_id = NATIONAL_ID
    do_save_person(teacher, acting_user=None)
    old_keys = list(settings.SANKE_FIELD_KEYS)
    before = raw(teacher, "phone"), raw(teacher, "national_id_digest")

    # when the key is rotated
    call_command("rotate_field_key", "--batch-size", "7", stdout=io.StringIO())

    # then the file holds a new current key and keeps the old ones for reading, privately
    keys = key_file.read_text().split()
    assert keys[1:] == old_keys and keys[0] not in old_keys and len(keys[0]) >= 40
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # the values were rewritten (ciphertext and digest both changed)
    assert raw(teacher, "phone") != before[0] and raw(teacher, "national_id_digest") != before[1]
    assert "13800000001" not in raw(teacher, "phone")

    # with the new key current and the old ones kept: readable, and digests find the rows
    settings.SANKE_FIELD_KEYS = keys
    assert Person.objects.get(pk=teacher.pk).phone == "13800000001"
    assert Person.objects.get(national_id_digest=crypto.digest(NATIONAL_ID)) == teacher
    assert Person.objects.get(phone_digest=crypto.digest("13800000001")) == teacher
    # everything was re-encrypted: the new key alone reads every row
    settings.SANKE_FIELD_KEYS = keys[:1]
    assert all(person.phone is not None for person in Person.objects.all())
    assert Person.objects.get(pk=teacher.pk).national_id == NATIONAL_ID

    # with the old key alone: nothing reads
    settings.SANKE_FIELD_KEYS = old_keys
    with pytest.raises(ValueError, match="field keys"):
        Person.objects.get(pk=teacher.pk)


def test_a_rotation_without_a_key_file_prints_the_environment_to_set(world, settings, tmp_path):
    """Production (keys from the environment): nothing is written, the command says what to set."""
    settings.SANKE_FIELD_KEYS_FILE = None
    new_key = tmp_path / "new_key"
    new_key.write_text("n" * 44 + "\n")
    out = io.StringIO()

    call_command("rotate_field_key", "--new-key-file", str(new_key), stdout=out)

    assert f"SANKE_FIELD_KEYS_OLD={','.join(settings.SANKE_FIELD_KEYS)}" in out.getvalue()
    assert "SANKE_FIELD_KEY=" in out.getvalue()
    settings.SANKE_FIELD_KEYS = ["n" * 44]
    assert Person.objects.get(pk=world.people["teacher"].pk).phone == "13800000001"
