"""The run's throwaway state: a temporary ``SANKE_VAR_DIR``, a fresh database, the bench's own Redis database.

One ``Environment`` describes everything a run creates, as ``SANKE_*`` variables for this process and
the servers; ``drop_environment`` removes it again, even after a failure, so a run leaves no database,
channel keys or files behind.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


@dataclass
class Environment:
    """Where the run keeps its state; everything here is removed at the end."""

    var_dir: Path
    database: str  # "sqlite" or the name of the PostgreSQL database created for the run
    pg_admin_url: str = ""
    redis_url: str = ""
    env: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        if self.database == "sqlite":
            return "SQLite (WAL) in a temporary directory"
        return f"PostgreSQL, throwaway database {self.database}"


def _with_path(url: str, path: str) -> str:
    """``url`` with another path: the database of a PostgreSQL URL, the db number of a Redis URL."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def bench_redis_url(args) -> str:
    """The Redis server of ``SANKE_REDIS_URL`` (or the local one), database ``--redis-db``.

    A separate database because channels-redis keeps group memberships for a day: lesson ids restart
    at 1 in every fresh world, so a shared database would carry stale members of earlier runs (and of
    test runs) into this one's groups.
    """
    if args.redis_url:
        return args.redis_url
    base = os.environ.get("SANKE_REDIS_URL") or "redis://127.0.0.1:6379/0"
    return _with_path(base, f"/{args.redis_db}")


def clear_channel_keys(redis_url: str) -> int:
    """Delete the channel layer's keys (prefix ``asgi``) in the bench's own Redis database."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match="asgi*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return len(keys)
    finally:
        client.close()


def prepare_environment(args) -> Environment:
    """Temporary var dir, a fresh database and the channel layer, as ``SANKE_*`` variables."""
    var_dir = Path(tempfile.mkdtemp(prefix="sanke-bench-realtime-"))
    env = {
        "SANKE_VAR_DIR": str(var_dir),
        "SANKE_DEBUG": "0",  # DEBUG keeps every SQL query in memory: not what a deployment runs
        "SANKE_LOG_LEVEL": "INFO",  # channels-redis says at INFO when a full inbox drops a message
        "SANKE_CELERY_BROKER_URL": "memory://",  # nothing here queues jobs; keep Celery off Redis
        "SANKE_CELERY_RESULT_BACKEND": "cache+memory://",
    }
    environment = Environment(var_dir=var_dir, database="sqlite")
    if args.db == "postgres":
        import psycopg

        admin_url = args.pg_url
        name = f"sanke_bench_{os.getpid()}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        environment.database, environment.pg_admin_url = name, admin_url
        env["SANKE_DATABASE_URL"] = _with_path(admin_url, f"/{name}")
    else:
        env["SANKE_DATABASE_URL"] = ""
    if args.layer == "redis":
        environment.redis_url = bench_redis_url(args)
        clear_channel_keys(environment.redis_url)
        env["SANKE_REDIS_URL"] = environment.redis_url
    else:
        env["SANKE_REDIS_URL"] = ""
    environment.env = env
    os.environ.update(env)
    return environment


def drop_environment(environment: Environment, keep: bool) -> None:
    """Drop the run's database, its channel keys and temporary directory, even after a failure."""
    if environment.pg_admin_url:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        import psycopg

        with psycopg.connect(environment.pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{environment.database}" WITH (FORCE)')
    if environment.redis_url:
        clear_channel_keys(environment.redis_url)
    if keep:
        print(f"kept {environment.var_dir}")
    else:
        shutil.rmtree(environment.var_dir, ignore_errors=True)
