"""Production's static files: collectstatic succeeds, and the room's module imports point at hashed names."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_production_collectstatic_hashes_the_modules_and_their_imports(tmp_path):
    env = {
        **os.environ,
        "SANKE_ENV": "production",
        "SANKE_SECRET_KEY": secrets.token_urlsafe(48),
        "SANKE_FIELD_KEY": secrets.token_urlsafe(32),
        "SANKE_ALLOWED_HOSTS": "sanke.example",
        "SANKE_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    static = tmp_path / "static"
    paths = json.loads((static / "staticfiles.json").read_text())["paths"]
    host = (static / paths["sanke/live/host.js"]).read_text()
    imported = re.findall(r'from "\./([^"]+)"', host)
    assert sorted(imported) == sorted(
        [Path(paths["sanke/live/room.js"]).name, Path(paths["sanke/live/state.js"]).name]
    )
    assert all(re.fullmatch(r"\w+\.[0-9a-f]{12}\.js", name) for name in imported)
