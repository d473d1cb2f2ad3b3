"""Benchmark of pages under load: N logged-in users of mixed roles open the main pages without think time.

Why: under ASGI a process runs its synchronous views in threads that share one interpreter lock, so one
process uses one core however many users wait. This bench shows what a county's users see when many of
them click at once, on the server as ``make run`` starts it (the ``web`` line of the Procfile, SQLite)
and as production starts it (PostgreSQL + Redis, the worker count of docs/operations.md).

The users (county admin, school admins, teachers, a classroom terminal's home) log in through the login
form, then each opens its role's main pages one after the other as fast as the server answers. The
baseline, in the same run and on the same server: the same users request ``/bench/baseline/``, a view
that does nothing, through the same settings and middleware (``bench/pages_settings.py`` adds that URL
for the bench's servers only). The ratio is the pages' throughput over the baseline's.

The world: ``load_demo --size county`` when the command knows that size (the demo county otherwise, and
always with ``--quick``), built once into ``/tmp/sanke-bench-pages/<size>/`` (SQLite) or the PostgreSQL
database ``--pg-db`` and reused by later runs (``--fresh`` builds it again).

Run from the repository root::

    .venv/bin/python bench/pages.py                 # 50 users, county world, make run and production
    .venv/bin/python bench/pages.py --quick         # demo world, 10 users, make run only, under a minute
    .venv/bin/python bench/pages.py --servers production --pg-db my_bench_db --redis-db 9

The last line of output is one JSON object: the figures of the first server measured (``make run``'s),
the errors of all, and each server's figures under ``"servers"``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from livestorm.cpu import cpu_snapshot  # noqa: E402  (bench/ is the script's folder on sys.path)
from livestorm.servers import Server  # noqa: E402

WORLDS = Path("/tmp/sanke-bench-pages")
PASSWORD = "Sanke@2026"  # the demo logins' password (sanke/accounts/demo.py)
BASELINE_PATH = "/bench/baseline/"
# Production settings need their own keys. No key is written in this file: the bench makes one pair, the
# first time, next to the worlds it builds (whose encrypted fields it must read again on the next run).
PRODUCTION_ENV = {
    "SANKE_ENV": "production",
    "SANKE_ALLOWED_HOSTS": "127.0.0.1",
    "SANKE_SSL_REDIRECT": "0",  # no TLS here: nginx would terminate it
}


def production_keys() -> dict[str, str]:
    """The secret and field keys of the bench's production server, generated once under WORLDS (0600)."""
    path = WORLDS / "production-keys.json"
    if not path.exists():
        WORLDS.mkdir(mode=0o700, parents=True, exist_ok=True)
        keys = {"SANKE_SECRET_KEY": secrets.token_urlsafe(50), "SANKE_FIELD_KEY": secrets.token_urlsafe(32)}
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            json.dump(keys, out)
    return json.loads(path.read_text())


# Each role's main pages; "{class}" and "{school}" become the first class / school its lists link to.
ROLE_PAGES = {
    "county_admin": [
        "/",
        "/org/schools/",
        "/org/people/",
        "/org/classes/",
        "/org/schools/{school}/",
        "/timetable/today/",
    ],
    "school_admin": [
        "/",
        "/org/people/",
        "/org/classes/",
        "/org/classes/{class}/",
        "/org/classrooms/",
        "/timetable/today/",
    ],
    "teacher": ["/", "/timetable/today/", "/org/classes/", "/org/classes/{class}/"],
    "terminal": ["/"],
}
ROLE_MIX = ["county_admin", "school_admin", "school_admin", "teacher", "teacher", "teacher", "terminal"]
DETAIL_LINKS = {
    "{class}": ("/org/classes/", r"/org/classes/(\d+)/"),
    "{school}": ("/org/schools/", r"/org/schools/(\d+)/"),
}


# --- a small HTTP/1.1 client: keep-alive, cookies, httptools (uvicorn's parser) -------------------------


class Response:
    def __init__(self) -> None:
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()
        self.done = False


class Client:
    """One user: a keep-alive connection, a cookie jar; lean, to leave the cores to the server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict | None = None
    ) -> Response:
        import httptools

        for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile: reconnect once
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Connection: keep-alive"]
            if self.cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            for name, value in (headers or {}).items():
                lines.append(f"{name}: {value}")
            if body or method == "POST":
                lines.append(f"Content-Length: {len(body)}")
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            response = Response()
            parser = httptools.HttpResponseParser(_Callbacks(response))
            try:
                while not response.done:
                    chunk = await self.reader.read(65536)
                    if not chunk:
                        raise ConnectionResetError("closed by the server")
                    parser.feed_data(chunk)
            except (ConnectionError, OSError):
                await self.close()
                if attempt == 2 or response.status:
                    raise
                continue
            response.status = parser.get_status_code()
            for name, value in response.headers:
                if name.lower() == b"set-cookie":
                    pair = value.decode("latin-1").split(";", 1)[0]
                    key, _, val = pair.partition("=")
                    self.cookies[key.strip()] = val.strip()
                elif name.lower() == b"connection" and value.lower() == b"close":
                    await self.close()
            return response
        raise AssertionError("unreachable")


class _Callbacks:
    def __init__(self, response: Response) -> None:
        self.response = response

    def on_header(self, name: bytes, value: bytes) -> None:
        self.response.headers.append((name, value))

    def on_body(self, body: bytes) -> None:
        self.response.body += body

    def on_message_complete(self) -> None:
        self.response.done = True


# --- users ---------------------------------------------------------------------------------------------


@dataclass
class User:
    role: str
    username: str
    client: Client
    pages: list[str] = field(default_factory=list)


async def log_in(user: User) -> None:
    """Through the login form, as a browser: GET for the CSRF token, POST, expect a redirect."""
    page = await user.client.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or not token:
        raise RuntimeError(f"login page of {user.username}: {page.status}")
    form = urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": user.username, "password": PASSWORD}
    )
    answer = await user.client.request(
        "POST", "/accounts/login/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    if answer.status != 302:
        raise RuntimeError(f"{user.username} could not log in: {answer.status}")


async def resolve_pages(user: User, cache: dict) -> None:
    """The role's pages with detail ids filled in from the first link of the list page, once per account."""
    key = user.username
    if key not in cache:
        pages = []
        for template in ROLE_PAGES[user.role]:
            path = template
            for placeholder, (list_path, pattern) in DETAIL_LINKS.items():
                if placeholder in path:
                    listing = await user.client.request("GET", list_path)
                    found = re.search(pattern.encode(), listing.body)
                    path = path.replace(placeholder, found.group(1).decode()) if found else ""
            if path:
                probe = await user.client.request("GET", path)
                if probe.status == 200:
                    pages.append(path)
                else:
                    print(f"  note: {user.role} {user.username} gets {probe.status} on {path}; left out")
        cache[key] = pages
    user.pages = cache[key]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    server_cpu: float = 0.0  # CPU seconds the server's processes used meanwhile

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    def all(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


async def storm(users: list[User], duration: float, paths_of) -> Tally:
    """Every user requests its paths in turn, without think time, for ``duration`` seconds."""
    tally = Tally()
    stop_at = time.perf_counter() + duration

    async def run(user: User, offset: int) -> None:
        paths = paths_of(user)
        index = offset
        while time.perf_counter() < stop_at:
            path = paths[index % len(paths)]
            index += 1
            label = label_of(path)
            started = time.perf_counter()
            try:
                response = await user.client.request("GET", path)
            except (OSError, ConnectionError, RuntimeError) as error:
                tally.errors[label] += 1
                if len(tally.error_samples) < 5:
                    tally.error_samples.append(f"{path}: {error!r}")
                continue
            took = time.perf_counter() - started
            if response.status != 200:
                tally.errors[label] += 1
                if len(tally.error_samples) < 5:
                    tally.error_samples.append(f"{path}: HTTP {response.status}")
            else:
                tally.latencies[label].append(took)

    started = time.perf_counter()
    await asyncio.gather(*(run(user, number) for number, user in enumerate(users)))
    tally.elapsed = time.perf_counter() - started
    return tally


def label_of(path: str) -> str:
    return re.sub(r"/\d+/", "/<id>/", path)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- worlds and servers --------------------------------------------------------------------------------


def run_manage(env: dict, *args: str, quiet: bool = True) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def county_size_available(env: dict) -> bool:
    return "--size" in run_manage(env, "load_demo", "--help")


def base_env(var_dir: Path) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("SANKE_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        {
            "SANKE_VAR_DIR": str(var_dir),
            "SANKE_CELERY_BROKER_URL": "memory://",  # nothing here queues jobs
            "SANKE_CELERY_RESULT_BACKEND": "cache+memory://",
        }
    )
    return env


def build_world(env: dict, size: str, fresh: bool) -> None:
    """Migrate and load the world unless it is already there (``load_demo --if-empty``)."""
    started = time.perf_counter()
    run_manage(env, "migrate", "--noinput", "-v0")
    arguments = ["load_demo", "--if-empty"] + (["--size", size] if size != "demo" else [])
    out = run_manage(env, *arguments)
    if "demo not loaded" not in out:
        print(f"  built the {size} world in {time.perf_counter() - started:.0f} s")
    else:
        print(f"  reusing the {size} world")


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def sqlite_world(size: str, fresh: bool) -> dict:
    var_dir = WORLDS / size
    if fresh and var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    env = base_env(var_dir)
    build_world(env, size, fresh)
    return env


def postgres_world(size: str, fresh: bool, args) -> dict:
    import psycopg

    var_dir = WORLDS / f"{size}-production"
    if fresh and var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    marker = var_dir / "database"  # which database holds this world: another size means building again
    if marker.exists() and marker.read_text() != args.pg_db:
        fresh = True
    if not (WORLDS / "production-keys.json").exists():
        fresh = True  # a world encrypted under other keys could not be read
    with psycopg.connect(args.pg_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.pg_db,)).fetchone()
        if exists and not marker.exists():
            fresh = True  # the database holds some other world
        if fresh and exists:
            conn.execute(f'DROP DATABASE "{args.pg_db}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{args.pg_db}"')
    env = base_env(var_dir) | PRODUCTION_ENV | production_keys()
    env["SANKE_DATABASE_URL"] = with_path(args.pg_url, f"/{args.pg_db}")
    env["SANKE_REDIS_URL"] = with_path(args.redis_url, f"/{args.redis_db}")
    build_world(env, size, fresh)
    for other in WORLDS.glob("*-production/database"):
        if other.read_text() == args.pg_db:
            other.unlink()
    marker.write_text(args.pg_db)
    with psycopg.connect(env["SANKE_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("ANALYZE")  # planner statistics after the bulk load, as autovacuum would soon gather
    run_manage(env, "collectstatic", "--noinput", "-v0")  # production serves hashed names from a manifest
    return env


def procfile_web(procfile: Path) -> str:
    """The ``web`` line of the Procfile: the server exactly as ``make run`` (honcho) starts it."""
    for line in procfile.read_text().splitlines():
        if line.startswith("web:"):
            return line.split(":", 1)[1].strip()
    raise RuntimeError("the Procfile has no web process")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def group_cpu_seconds(pid: int) -> float:
    """CPU seconds so far of the server's processes (the shell, uvicorn and its workers).

    The machine may be shared: wall-clock figures then depend on what else runs, while the server's CPU
    per request is what a page costs whatever the load."""
    return cpu_snapshot(pid)["server"]


def start_server(name: str, command: str, env: dict, log: Path) -> Server:
    """``command`` through the shell, as honcho runs a Procfile line; waits until the login page answers."""
    port = free_port()
    env = env | {
        "SANKE_PORT": str(port),
        "SANKE_HOST": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "bench.pages_settings",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            shell=True,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, process, port, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"GET /bench/baseline/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1"):
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not answer within 90 s:\n{log.read_text()[-3000:]}")


# --- one measurement -----------------------------------------------------------------------------------


ACCOUNTS_SCRIPT = """
import json
from sanke.accounts.choices import Role
from sanke.accounts.models import RoleAssignment
roles = {"county_admin": Role.BUREAU_ADMIN, "school_admin": Role.SCHOOL_ADMIN, "teacher": Role.TEACHER,
         "terminal": Role.CLASSROOM_TERMINAL}
found = {}
for name, role in roles.items():
    rows = RoleAssignment.objects.filter(role=role)
    found[name] = sorted(set(rows.values_list("user__username", flat=True)))
print(json.dumps(found))
"""


def world_accounts(env: dict) -> dict[str, list[str]]:
    """Each role's accounts: the demo's first (淳安县's county admin is the only one), then generated ones."""
    found = json.loads(run_manage(env, "shell", "-c", ACCOUNTS_SCRIPT).strip().splitlines()[-1])
    accounts = {}
    for role, demo_name in DEMO_ACCOUNTS.items():
        generated = [
            name for name in found.get(role, []) if name != demo_name and not name.startswith("outsider")
        ]
        chosen = [demo_name] + (
            [] if role == "county_admin" else generated[:: max(1, len(generated) // 12)][:12]
        )
        accounts[role] = chosen
    return accounts


async def measure(server: Server, accounts: dict, count: int, duration: float, warmup: float) -> dict:
    users = []
    for number in range(count):
        role = ROLE_MIX[number % len(ROLE_MIX)]
        names = accounts[role]
        users.append(User(role, names[(number // len(ROLE_MIX)) % len(names)], Client(server.port)))
    for start in range(0, len(users), 10):  # logins in small groups: Argon2 is slow on purpose
        await asyncio.gather(*(log_in(user) for user in users[start : start + 10]))
    cache: dict = {}
    for user in users:
        await resolve_pages(user, cache)
    await storm(users, warmup, lambda user: user.pages)  # first requests of each worker/thread, discarded
    before = group_cpu_seconds(server.process.pid)
    baseline = await storm(users, duration, lambda user: [BASELINE_PATH])
    between = group_cpu_seconds(server.process.pid)
    pages = await storm(users, duration, lambda user: user.pages)
    baseline.server_cpu = between - before
    pages.server_cpu = group_cpu_seconds(server.process.pid) - between
    for user in users:
        await user.client.close()
    return {"baseline": baseline, "pages": pages}


DEMO_ACCOUNTS = {
    "county_admin": "county_admin",
    "school_admin": "school_admin",
    "teacher": "teacher",
    "terminal": "terminal_longjing",
}


def report(name: str, users: int, tallies: dict, server: Server) -> dict:
    pages, baseline = tallies["pages"], tallies["baseline"]
    print(f"\n{name}: {users} users, {pages.elapsed:.0f} s of pages, {baseline.elapsed:.0f} s of baseline")
    print(f"  {'page':<28} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for label in sorted(set(pages.latencies) | set(pages.errors)):
        values = pages.latencies.get(label, [])
        print(
            f"  {label:<28} {len(values):>8} {len(values) / pages.elapsed:>7.1f} "
            f"{percentile(values, 0.5) * 1000:>8.0f} {percentile(values, 0.95) * 1000:>8.0f} "
            f"{pages.errors.get(label, 0):>7}"
        )
    values = baseline.all()
    print(
        f"  {'baseline ' + BASELINE_PATH:<28} {len(values):>8} {len(values) / baseline.elapsed:>7.1f} "
        f"{percentile(values, 0.5) * 1000:>8.0f} {percentile(values, 0.95) * 1000:>8.0f} "
        f"{sum(baseline.errors.values()):>7}"
    )
    rps = pages.requests / pages.elapsed
    baseline_rps = baseline.requests / baseline.elapsed
    errors = sum(pages.errors.values()) + sum(baseline.errors.values())
    all_values = pages.all()
    figures = {
        "bench": "pages",
        "server": name,
        "users": users,
        "p50_ms": round(percentile(all_values, 0.5) * 1000, 1),
        "p95_ms": round(percentile(all_values, 0.95) * 1000, 1),
        "rps": round(rps, 1),
        "baseline_rps": round(baseline_rps, 1),
        "ratio": round(rps / baseline_rps, 3) if baseline_rps else 0.0,
        "errors": errors,
    }
    print(
        f"  all pages: p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, {rps:.1f} requests/s; "
        f"baseline {baseline_rps:.1f} requests/s; ratio {figures['ratio']:.2f}; errors {errors}"
    )
    page_cpu = pages.server_cpu / max(1, pages.requests) * 1000
    baseline_cpu = baseline.server_cpu / max(1, baseline.requests) * 1000
    print(
        f"  server CPU per request: pages {page_cpu:.1f} ms, baseline {baseline_cpu:.1f} ms; machine load "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work lowers requests/s, not CPU/request)"
    )
    for sample in pages.error_samples + baseline.error_samples:
        print(f"  error: {sample}")
    for line in server.errors()[:5]:
        print(f"  server log: {line}")
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="demo world, 10 users, make run only, short phases"
    )
    parser.add_argument(
        "--users", type=int, default=None, help="concurrent users (default 50, 10 with --quick)"
    )
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds per phase (default 20, 8 with --quick)"
    )
    parser.add_argument("--size", default=None, help="world: county (default) or demo (--quick)")
    parser.add_argument(
        "--servers", default=None, help="make-run, production or both (default both; make-run with --quick)"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="production uvicorn workers (default: docs/operations.md)"
    )
    parser.add_argument("--procfile", type=Path, default=ROOT / "Procfile", help="a Procfile to compare")
    parser.add_argument("--fresh", action="store_true", help="build the world again")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-db", default="sanke_bench_pages", help="the bench's own PostgreSQL database")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--redis-db", type=int, default=9, help="the bench's own Redis database")
    parser.add_argument("--keep", action="store_true", help="keep the server logs")
    args = parser.parse_args(argv)
    users = args.users or (10 if args.quick else 50)
    duration = args.duration or (8.0 if args.quick else 20.0)
    servers = (args.servers or ("make-run" if args.quick else "both")).split(",")
    if "both" in servers:
        servers = ["make-run", "production"]

    print(f"pages under load: {users} users, {duration:.0f} s per phase, {os.cpu_count()} cores")
    results = []
    for name in servers:
        if name == "make-run":
            env = sqlite_world(world_size(args), args.fresh)
            command = procfile_web(args.procfile)
            env["SANKE_WEB_WORKERS"] = os.environ.get("SANKE_WEB_WORKERS") or makefile_workers()
        elif name == "production":
            size = world_size(args)
            env = postgres_world(size, args.fresh, args)
            workers = args.workers or documented_workers()
            env["SANKE_DB_POOL_SIZE"] = documented_pool_size()
            command = (
                f"{ROOT / '.venv/bin/uvicorn'} sanke.asgi:application --host 127.0.0.1 --port $SANKE_PORT "
                f"--workers {workers} --proxy-headers --forwarded-allow-ips 127.0.0.1"
            )
        else:
            raise SystemExit(f"unknown server {name}")
        accounts = world_accounts(env)
        log = Path(env["SANKE_VAR_DIR"]) / f"{name}.log"
        print(f"  {name}: {command}")
        server = start_server(name, command, env, log)
        try:
            tallies = asyncio.run(
                measure(server, accounts, users, duration, warmup=2.0 if args.quick else 5.0)
            )
        finally:
            server.stop()
        results.append(report(name, users, tallies, server))
        if not args.keep:
            log.unlink(missing_ok=True)
    # The keys describe the first server measured (make run's, unless --servers says otherwise);
    # "errors" counts every server's, and "servers" keeps each one's figures.
    summary = {key: value for key, value in results[0].items() if key != "server"}
    summary["errors"] = sum(result["errors"] for result in results)
    summary["servers"] = {
        result["server"]: {k: v for k, v in result.items() if k not in ("bench", "server")}
        for result in results
    }
    print(json.dumps(summary))
    return 0


def world_size(args) -> str:
    """County unless ``--quick`` or ``--size`` says otherwise; demo while load_demo knows no ``--size``."""
    size = "demo" if args.quick else (args.size or "county")
    if size != "demo" and not county_size_available(base_env(WORLDS / "probe")):
        print("  load_demo knows no --size yet: the demo world instead")
        size = "demo"
    return size


def makefile_workers() -> str:
    """The web processes ``make run`` starts (the Makefile's ``SANKE_WEB_WORKERS ?=``)."""
    found = re.search(r"SANKE_WEB_WORKERS \?= (\d+)", (ROOT / "Makefile").read_text())
    return found.group(1) if found else "1"


def documented_pool_size() -> str:
    """The web unit's ``SANKE_DB_POOL_SIZE`` in docs/operations.md (no pool if it sets none)."""
    found = re.search(r"SANKE_DB_POOL_SIZE=(\d+)", (ROOT / "docs" / "operations.md").read_text())
    return found.group(1) if found else "0"


def documented_workers() -> int:
    """The uvicorn ``--workers`` of the systemd unit in docs/operations.md."""
    found = re.search(r"--workers (\d+)", (ROOT / "docs" / "operations.md").read_text())
    return int(found.group(1)) if found else 2


if __name__ == "__main__":
    sys.exit(main())
