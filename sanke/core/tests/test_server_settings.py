"""Settings of the server processes: database connections under ASGI and the channel layer of make run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sanke.testing.servers import ROOT

PROBE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({"max_age": db["CONN_MAX_AGE"], "pool": db.get("OPTIONS", {}).get("pool"),
                  "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"]}))
"""


def settings_with(tmp_path, **env: str) -> dict:
    """The settings a fresh process reads with ``env`` (settings are read once per process)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SANKE_")}
    clean |= {"SANKE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sanke.settings", **env}
    script = "import django; django.setup()\n" + PROBE
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_postgresql_connections_are_not_kept_per_request_thread_and_the_web_pool_is_bounded(tmp_path):
    url = "postgres://sanke@127.0.0.1:5432/sanke"
    plain = settings_with(tmp_path, SANKE_DATABASE_URL=url)
    assert plain["max_age"] == 0 and plain["pool"] is None
    pooled = settings_with(tmp_path, SANKE_DATABASE_URL=url, SANKE_DB_POOL_SIZE="7")
    assert pooled["max_age"] == 0
    assert pooled["pool"]["max_size"] == 7


def test_several_web_processes_without_redis_get_the_socket_layer(tmp_path):
    assert settings_with(tmp_path)["layer"] == "channels.layers.InMemoryChannelLayer"
    several = settings_with(tmp_path, SANKE_WEB_WORKERS="2")
    assert several["layer"] == "sanke.core.socket_layer.UnixSocketChannelLayer"
    redis = settings_with(tmp_path, SANKE_WEB_WORKERS="2", SANKE_REDIS_URL="redis://127.0.0.1:6379/9")
    assert redis["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"


def test_make_run_starts_two_web_processes_by_default():
    procfile = (ROOT / "Procfile").read_text()
    assert "--workers ${SANKE_WEB_WORKERS:-1}" in procfile.split("web:", 1)[1].splitlines()[0]
    assert "run: export SANKE_WEB_WORKERS ?= 2" in (ROOT / "Makefile").read_text()
