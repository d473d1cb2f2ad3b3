"""A fresh clone: the first start makes its own keys under the var folder, private, different on every
install; nothing forged with the key once committed in settings.py works; every file under var/ is private.

These run ``manage.py`` in subprocesses on empty var folders (SQLite, filesystem broker), as ``make run`` does
on a new laptop, with a permissive umask so that the platform's own umask is what makes the files private.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import shutil
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
OLD_COMMITTED_KEY = "insecure-development-key-change-me-0123456789"
HAS_JANUS = Path("/usr/share/janus/janus.jcfg").exists() or Path("/etc/janus/janus.jcfg").exists()


def fresh_env(var_dir: Path) -> dict[str, str]:
    """The environment of a laptop install: no key, no database URL, no Redis, this var folder."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("SANKE_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env | {"SANKE_VAR_DIR": str(var_dir)}


def manage(var_dir: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=fresh_env(var_dir),
        capture_output=True,
        text=True,
        timeout=600,
        umask=0o022,  # what a shell usually has: the platform must not depend on it
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def janus_secrets(janus_dir: Path) -> tuple[str, str]:
    core = (janus_dir / "janus.jcfg").read_text()
    videoroom = (janus_dir / "janus.plugin.videoroom.jcfg").read_text()
    token = re.search(r'^\s*token_auth_secret\s*=\s*"([^"]*)"', core, re.M).group(1)
    admin = re.search(r'^\s*admin_key\s*=\s*"([^"]*)"', videoroom, re.M).group(1)
    return token, admin


def forged_with_old_key() -> set[str]:
    """Every Janus secret the old committed key gave, under the old labels and under the new ones."""
    key = OLD_COMMITTED_KEY.encode()
    old = {
        hmac.new(key, label, hashlib.sha256).hexdigest()
        for label in (b"sanke-janus-token-secret", b"sanke-janus-admin-key")
    }
    new = {
        hmac.new(key, b"sanke-derived:" + label, hashlib.sha256).hexdigest()
        for label in (b"janus-token-secret", b"janus-admin-key")
    }
    return old | new


def private_offenders(var_dir: Path) -> list[str]:
    """Files and folders under ``var_dir`` that group or others may read, write or enter."""
    found = []
    for path in [var_dir, *var_dir.rglob("*")]:
        mode = path.lstat().st_mode
        if not stat.S_ISLNK(mode) and stat.S_IMODE(mode) & 0o077:
            found.append(f"{oct(stat.S_IMODE(mode))} {path.relative_to(var_dir)}")
    return found


@pytest.fixture(scope="module")
def two_installs(tmp_path_factory):
    """Two fresh var folders, each after ``migrate`` (and ``janus_config`` when Janus is installed)."""
    installs = []
    for name in ("first", "second"):
        var_dir = tmp_path_factory.mktemp(name) / "var"
        manage(var_dir, "migrate", "--noinput", "-v0")
        if HAS_JANUS:
            manage(var_dir, "janus_config", str(var_dir / "janus"), "-v0")
        installs.append(var_dir)
    yield installs
    for var_dir in installs:
        shutil.rmtree(var_dir, ignore_errors=True)


def test_a_fresh_install_makes_its_own_private_keys(two_installs):
    first, second = two_installs
    for var_dir in (first, second):
        keys = var_dir / "keys"
        assert stat.S_IMODE(keys.stat().st_mode) == 0o700
        for name in ("secret_key", "field_keys"):
            assert stat.S_IMODE((keys / name).stat().st_mode) == 0o600
            assert len((keys / name).read_text().strip()) >= 40
        assert (keys / "secret_key").read_text() != (keys / "field_keys").read_text()
    # two installs never share a key
    assert (first / "keys" / "secret_key").read_text() != (second / "keys" / "secret_key").read_text()
    assert (first / "keys" / "field_keys").read_text() != (second / "keys" / "field_keys").read_text()
    assert OLD_COMMITTED_KEY not in (first / "keys" / "secret_key").read_text()


def test_a_fresh_install_keeps_its_keys_from_one_start_to_the_next(two_installs):
    var_dir = two_installs[0]
    before = (var_dir / "keys" / "secret_key").read_text(), (var_dir / "keys" / "field_keys").read_text()
    manage(var_dir, "check")
    assert (
        (var_dir / "keys" / "secret_key").read_text(),
        (var_dir / "keys" / "field_keys").read_text(),
    ) == before


def test_nothing_under_var_is_readable_by_others(two_installs):
    """The SQLite database (and its -wal/-shm), keys, Celery folders, Janus configuration: 0600/0700."""
    var_dir = two_installs[0]
    assert (var_dir / "sanke.sqlite3").exists()
    assert (var_dir / "celery" / "queue").is_dir()
    assert private_offenders(var_dir) == []


@pytest.mark.skipif(not HAS_JANUS, reason="Janus is not installed (scripts/system_deps.sh installs it)")
def test_janus_secrets_are_not_the_ones_the_old_committed_key_gives(two_installs):
    first, second = (janus_secrets(var_dir / "janus") for var_dir in two_installs)
    assert all(len(value) == 64 for value in first + second)
    assert not set(first + second) & forged_with_old_key()
    assert first != second  # per install
    for path in (two_installs[0] / "janus").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_two_processes_starting_together_share_one_key(tmp_path):
    """The web server and the worker start at once on a new install: both must use the same key."""
    var_dir = tmp_path / "var"
    script = "from django.conf import settings; print('KEYS', settings.SECRET_KEY, settings.SANKE_FIELD_KEY)"
    with ThreadPoolExecutor(max_workers=4) as pool:
        outputs = list(pool.map(lambda _: manage(var_dir, "shell", "-c", script), range(4)))
    keys = {re.search(r"^KEYS (\S+) (\S+)$", output, re.M).groups() for output in outputs}
    assert keys == {
        (
            (var_dir / "keys" / "secret_key").read_text().strip(),
            (var_dir / "keys" / "field_keys").read_text().strip(),
        )
    }
    assert sorted(path.name for path in (var_dir / "keys").iterdir()) == ["field_keys", "secret_key"]
