"""Benchmark of the live-lesson room under a quiz storm, against a bare WebSocket broadcast server.

Why: in a delivery classroom every receiving classroom answers a quiz within the same few seconds, and
every answer must reach the host and the other classrooms at once (the live tally). This script puts N
simulated clients (lessons of 1 host + 6 classroom terminals) on the real ASGI application, lets every
host ask a question within ``--ask-window`` seconds (1 s; 0 asks them all at the same moment) and every
terminal answer within ``--window`` seconds (2 s) of hearing it, and measures what arrives where and
when. The same clients then storm a bare asyncio ``websockets`` server
that only relays messages to the room, so the ratio shows what the platform's own path costs:
authentication, authorisation, validation, the numbered event log in the database, and Channels.

What runs:

- a throwaway world: SQLite in a temporary ``SANKE_VAR_DIR``, or a PostgreSQL database created for the
  run and dropped after it (``--db postgres``); migrations; per block of up to 10 lessons one host school
  and 6 receiving schools, classes, classrooms, teachers, terminal accounts, an alliance and a series per
  lesson, all through the apps' actions (org, accounts, alliances, timetable). Only the ``Lesson`` rows
  are created directly (one per series, today): the scheduler would generate a whole term per series.
  Each lesson is made live with ``do_start_lesson``; logins are Django sessions created in the database,
  sent as the ``Cookie`` header (with an ``Origin`` that ``AllowedHostsOriginValidator`` accepts);
- ``sanke.asgi.application`` under uvicorn in a subprocess (``--workers``), with channels-redis
  (``--layer redis``, a Redis database the bench owns, ``--redis-db``) or the in-memory layer;
- all clients in this process on one event loop (uvloop when installed): they connect in batches, send
  ``resume``, wait for the rooms to go quiet, then the storm. One process is the clients' own limit: at
  5,000 clients it is busy most of the storm, which sets a floor under both servers' latencies;
- the baseline: this same file with ``--serve-baseline``, a ``websockets`` server in its own process that
  answers ``hello``/``resume``, numbers events per room, acks the sender and broadcasts to the room.

Measured, per system: fan-out deliveries (each storm event reaching each *other* member of its lesson)
per second from the first question to the last delivery; p50/p90/p99/max of send → receive latency
over every delivery; lost deliveries (sent × 6 minus received, per lesson and event, once nothing at
all has arrived for ``--drain`` seconds); events that arrived out of order; send → ack latency; CPU
seconds used during the storm by the server, Redis, PostgreSQL, the clients and everything else.

Run from the repository root::

    .venv/bin/python bench/realtime.py --quick                       # 350 clients, under a minute
    SANKE_REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/realtime.py --db postgres

The last line of output is one JSON object so that scripts can collect the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
MEMBERS = 7  # 1 host + 6 receiving classroom terminals
LESSONS_PER_BLOCK = 10  # lessons of one host school (10 studios, 10 host teachers, 6 receiving schools)
QUIZ = 1
STORM_TYPES = ("quiz.started", "quiz.answered")
OPTIONS = ["A", "B", "C", "D"]
PASSWORD = "Lotus#Harbor-9473"
OPEN_TIMEOUT = 120.0  # a handshake waits behind the server's database work while thousands connect
QUIET = 1.0  # the room counts as settled after this long without any message
SETTLE_CAP = 180.0
QUIZ_WAIT = 30.0  # a terminal that never hears the question answers anyway after this long


# --- throwaway environment -----------------------------------------------------------------------------


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


# --- the world: lessons with a host teacher and six classroom terminals -----------------------------------


@dataclass
class LessonPlan:
    """One live lesson and the logins of its members; key 0 is the host, other keys are classroom ids."""

    lesson_id: int
    members: list[tuple[int, str]]  # (key, Cookie header value)


SUBJECTS = ["英语", "音乐", "美术", "科学", "信息技术", "心理健康"]
GRID = [(1, "08:00", "08:40"), (2, "08:50", "09:30"), (3, "09:50", "10:30"), (4, "10:40", "11:20")]


def build_world(lesson_count: int) -> list[LessonPlan]:
    """Create ``lesson_count`` live lessons through the actions and a session for each member.

    Passwords are hashed with MD5 here (as the test suite does): nobody logs in with them, and Argon2
    would spend minutes on thousands of accounts. The apps' validation and audit run as in production.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from sanke.accounts.actions import do_create_account, do_grant_role
    from sanke.accounts.choices import Role
    from sanke.alliances.actions import do_save_alliance
    from sanke.alliances.models import Alliance
    from sanke.live.actions import do_start_lesson
    from sanke.org.actions import (
        do_save_class_group,
        do_save_classroom,
        do_save_grade,
        do_save_person,
        do_save_region,
        do_save_school,
    )
    from sanke.org.choices import PersonKind, RegionLevel, SchoolKind
    from sanke.org.models import ClassGroup, Classroom, Grade, Person, Region, School
    from sanke.timetable.actions import do_save_series, do_set_period_grid
    from sanke.timetable.models import Lesson, Period, SyncSeries

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    today = timezone.localdate()
    now = timezone.now()
    counter = {"school": 0, "user": 0}

    def school(county, name, kind=SchoolKind.PRIMARY):
        counter["school"] += 1
        code = f"2{county.code}{counter['school'] % 1000:03d}"
        return do_save_school(School(code=code, name=name, kind=kind, region=county), acting_user=None)

    def account(prefix, role, *, person=None, display_name="", **scope):
        counter["user"] += 1
        user = do_create_account(
            username=f"bench-{prefix}-{counter['user']}",
            password=PASSWORD,
            person=person,
            display_name=display_name,
            must_change_password=False,
            acting_user=None,
        )
        do_grant_role(user, role, acting_user=None, **scope)
        return user

    def session_cookie(user) -> str:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    plans: list[LessonPlan] = []
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        with transaction.atomic():
            province = do_save_region(
                Region(code="330000", name="浙江省", level=RegionLevel.PROVINCE), acting_user=None
            )
            city = do_save_region(
                Region(code="330100", name="杭州市", level=RegionLevel.CITY, parent=province),
                acting_user=None,
            )
            counties: list[Region] = []
            blocks = math.ceil(lesson_count / LESSONS_PER_BLOCK)
            for block in range(blocks):
                if block % 20 == 0:  # 20 host schools and their 120 receiving schools per county
                    number = len(counties) + 1
                    counties.append(
                        do_save_region(
                            Region(
                                code=f"3301{number:02d}",
                                name=f"测试县{number}",
                                level=RegionLevel.COUNTY,
                                parent=city,
                            ),
                            acting_user=None,
                        )
                    )
                county = counties[-1]
                host = school(county, f"主讲学校{block + 1}")
                do_set_period_grid(
                    host,
                    [(n, dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for n, a, b in GRID],
                    acting_user=None,
                )
                first_period = Period.objects.get(school=host, number=1)
                receivers = [school(county, f"接收学校{block + 1}-{j + 1}") for j in range(MEMBERS - 1)]
                alliance = do_save_alliance(
                    Alliance(
                        name=f"主讲学校{block + 1}专递课堂",
                        region=county,
                        host_school=host,
                        term_name="压测学期",
                        term_start=today - dt.timedelta(days=30),
                        term_end=today + dt.timedelta(days=120),
                    ),
                    receivers,
                    acting_user=None,
                )
                grades: dict[tuple[int, int], Grade] = {}
                in_block = min(LESSONS_PER_BLOCK, lesson_count - block * LESSONS_PER_BLOCK)
                for index in range(in_block):
                    grade_number, class_name = index // 2 + 1, f"({index % 2 + 1})班"
                    classes, terminals = [], []
                    for receiver in receivers:
                        grade = grades.get((receiver.pk, grade_number))
                        if grade is None:
                            grade = do_save_grade(
                                Grade(school=receiver, number=grade_number), acting_user=None
                            )
                            grades[(receiver.pk, grade_number)] = grade
                        class_group = do_save_class_group(
                            ClassGroup(school=receiver, grade=grade, name=class_name), acting_user=None
                        )
                        room = do_save_classroom(
                            Classroom(
                                school=receiver,
                                name=f"{grade_number}年级{class_name}教室",
                                receiver_capable=True,
                                home_class=class_group,
                                capacity=45,
                            ),
                            acting_user=None,
                        )
                        terminal = account(
                            "terminal",
                            Role.CLASSROOM_TERMINAL,
                            display_name=f"{receiver.name}{room.name}终端",
                            classroom=room,
                        )
                        classes.append(class_group)
                        terminals.append((room.pk, terminal))
                    studio = do_save_classroom(
                        Classroom(
                            school=host,
                            name=f"录播教室{index + 1}",
                            host_capable=True,
                            recording_capable=True,
                        ),
                        acting_user=None,
                    )
                    person = do_save_person(
                        Person(
                            school=host,
                            kind=PersonKind.TEACHER,
                            name=f"主讲教师{block + 1}-{index + 1}",
                            number=f"T{index + 1:04d}",
                            subjects=SUBJECTS[index % len(SUBJECTS)],
                        ),
                        acting_user=None,
                    )
                    teacher = account("host", Role.TEACHER, person=person, school=host)
                    series = do_save_series(
                        SyncSeries(
                            alliance=alliance,
                            subject=SUBJECTS[index % len(SUBJECTS)],
                            host_teacher=person,
                            host_classroom=studio,
                            lessons_per_week=1,
                        ),
                        classes,
                        acting_user=None,
                    )
                    lesson = Lesson.objects.create(
                        series=series,
                        date=today,
                        host_period=first_period,
                        starts_at=now - dt.timedelta(minutes=1),
                        ends_at=now + dt.timedelta(minutes=39),
                    )
                    do_start_lesson(lesson, acting_user=teacher)
                    members = [(0, session_cookie(teacher))]
                    members += [(room_id, session_cookie(user)) for room_id, user in terminals]
                    plans.append(LessonPlan(lesson.pk, members))
    return plans


def setup_django() -> None:
    """Django in this process too: the world is built through the apps' actions, not by hand."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanke.settings")
    import django

    django.setup()


def stored_storm_events() -> int:
    """Storm events in the event log: every acked event must be there, delivered or not."""
    from sanke.live.models import LessonEvent

    return LessonEvent.objects.filter(type__in=STORM_TYPES).count()


# --- servers ----------------------------------------------------------------------------------------------


@dataclass
class Server:
    """A server subprocess of this run, with its log file (kept with ``--keep``)."""

    name: str
    process: subprocess.Popen
    port: int
    log: Path

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def errors(self) -> list[str]:
        """What the server logged as errors: the exception line of each traceback, and ERROR lines."""
        found, in_traceback = [], False
        for line in self.tail(10**7).splitlines():
            if line.startswith("Traceback"):
                in_traceback = True
            elif in_traceback and line and not line.startswith((" ", "\t")):
                found.append(line)
                in_traceback = False
            elif line.startswith("ERROR"):
                found.append(line)
        return found

    def over_capacity(self) -> int:
        """How often channels-redis refused a group message because the receiving inbox was full."""
        return sum("over capacity in group" in line for line in self.tail(10**7).splitlines())

    def stop(self) -> None:
        """SIGTERM to the process group this script started (uvicorn's workers included)."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass


def start_server(name: str, command: list[str], port: int, env: dict, log: Path) -> Server:
    """Start ``command`` and wait until it accepts connections, so connect times exclude start-up."""
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() ends it and its workers only
        )
    server = Server(name, process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} server exited ({process.returncode}):\n{server.tail()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{name} server did not listen on port {port} within 60 s:\n{server.tail()}")


def start_sanke(environment: Environment, workers: int, app: str) -> Server:
    """The ASGI app under uvicorn as ``make run`` serves it, without access logs (they cost the server)."""
    from sanke.testing.servers import free_port, uvicorn_command

    port = free_port()
    options = (
        "--workers",
        str(workers),
        "--lifespan",
        "off",
        "--no-access-log",
        "--timeout-graceful-shutdown",
        "5",
    )
    command = uvicorn_command(port, app=app, options=options)
    return start_server("sanke", command, port, environment.env, environment.var_dir / "uvicorn.log")


def start_baseline(environment: Environment) -> Server:
    """The bare server in its own process, like the platform's, so neither shares a loop with the clients."""
    from sanke.testing.servers import free_port

    port = free_port()
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-baseline", "--port", str(port)]
    return start_server("baseline", command, port, {}, environment.var_dir / "baseline.log")


def serve_baseline(port: int) -> None:
    """The bare broadcast server: rooms by URL path, events numbered per room, ack + broadcast.

    It speaks the subset of the lesson protocol the clients use (``hello``, ``resume``, ``event`` →
    ``ack`` and the event to every room member, the sender included, as the lesson room does) and does
    nothing else: no authentication, validation, database or channel layer.
    """
    from websockets.asyncio.server import broadcast, serve

    rooms: dict[str, set] = {}
    logs: dict[str, list[dict]] = {}

    async def handler(connection) -> None:
        room = connection.request.path
        members = rooms.setdefault(room, set())
        log = logs.setdefault(room, [])
        members.add(connection)
        try:
            await connection.send(json.dumps({"type": "hello", "role": "member", "status": "live"}))
            async for raw in connection:
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "event":
                    event = {
                        "seq": len(log) + 1,
                        "type": message.get("event", ""),
                        "payload": message.get("payload") or {},
                        "at": dt.datetime.now(dt.UTC).isoformat(),
                    }
                    log.append(event)
                    await connection.send(
                        json.dumps({"type": "ack", "id": message.get("id"), "seq": event["seq"]})
                    )
                    broadcast(members, json.dumps({"type": "event", "event": event}))
                elif kind == "resume":
                    since = message.get("since", 0)
                    for event in log[since if isinstance(since, int) and since >= 0 else 0 :]:
                        await connection.send(json.dumps({"type": "event", "event": event}))
        finally:
            members.discard(connection)

    async def main() -> None:
        async with serve(handler, "127.0.0.1", port, ping_interval=None, backlog=4096) as server:
            loop = asyncio.get_running_loop()
            loop.add_signal_handler(signal.SIGTERM, server.close)
            await server.wait_closed()

    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(main())


def event_loop_factory():
    """uvloop when installed (uvicorn runs on it too), so both servers and the clients use the same loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


# --- CPU accounting ---------------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _proc_stats() -> dict[int, tuple[str, int, float]]:
    """pid → (command name, parent pid, CPU seconds) for every process on the machine."""
    stats = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        stats[int(entry)] = (name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return stats


def cpu_snapshot(server_pid: int | None) -> dict:
    """CPU seconds so far of the server (with its children), Redis, PostgreSQL and this process.

    Redis and PostgreSQL are kept per process (``{pid: seconds}``): a database backend that exits during
    the storm must not count as negative work (see ``cpu_used``).
    """
    stats = _proc_stats()
    tree = {server_pid} if server_pid else set()
    changed = True
    while changed:
        children = {pid for pid, (_n, ppid, _c) in stats.items() if ppid in tree and pid not in tree}
        tree |= children
        changed = bool(children)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    snapshot = {
        "server": sum(stats[pid][2] for pid in tree if pid in stats),
        "redis": {pid: c for pid, (name, _p, c) in stats.items() if name.startswith("redis-server")},
        "postgres": {pid: c for pid, (name, _p, c) in stats.items() if name.startswith("postgres")},
        "clients": usage.ru_utime + usage.ru_stime,
        "machine": machine_busy(),
    }
    return snapshot


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds between two snapshots; the rest of the machine's work is the kernel's (loopback TCP)."""
    used = {}
    for key in ("server", "redis", "postgres", "clients"):
        if isinstance(after[key], dict):  # per process: those that exited meanwhile are not counted
            used[key] = sum(c - before[key].get(pid, 0.0) for pid, c in after[key].items())
        else:
            used[key] = after[key] - before[key]
    used["kernel+other"] = after["machine"] - before["machine"] - sum(used.values())
    return used


def machine_busy() -> float:
    """CPU seconds all cores spent outside idle and iowait since boot (``/proc/stat``)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK


# --- clients ----------------------------------------------------------------------------------------------


@dataclass
class Counters:
    """What all clients of one system saw, shared by their reader tasks."""

    messages: int = 0
    last_message: float = 0.0
    delivered: int = 0
    last_delivery: float = 0.0
    dropped: int = 0  # connections closed by the server during the run
    close_codes: dict[int, int] = field(default_factory=dict)  # close code → connections dropped with it
    on_question: object = None  # called with a terminal when it first hears the storm's question


@dataclass(eq=False)
class Member:
    """One simulated client: a host page or a classroom terminal, and what it saw of the storm."""

    lesson: LessonRun
    key: int  # 0: the host; otherwise the classroom id this terminal speaks for
    cookie: str
    ws: object = None
    failed: str = ""
    seen: dict[int, float] = field(default_factory=dict)  # storm event key → first arrival
    top_seq: int = 0
    out_of_order: int = 0
    sent_at: float = 0.0
    ack_at: float = 0.0
    errors: list[str] = field(default_factory=list)
    dropped: bool = False  # the server closed the connection during the run
    reader: asyncio.Task | None = None


@dataclass(eq=False)
class LessonRun:
    """A lesson's members and when each storm event was sent, to pair sends with arrivals."""

    lesson_id: int
    members: list[Member] = field(default_factory=list)
    sent: dict[int, float] = field(default_factory=dict)  # storm event key → when its sender sent it


@dataclass
class StormResult:
    """The figures of one system, for the table and the JSON line."""

    name: str
    clients: int
    failed: int
    connect_s: float
    settle_s: float
    sent: int
    expected: int
    delivered: int
    lost: int
    lost_to_dropped: int  # of the lost deliveries, those to members whose connection failed or dropped
    lessons_with_loss: int
    out_of_order: int
    errors: int
    dropped: int
    close_codes: dict[int, int]
    blind: int
    storm_s: float
    msgs_per_s: float
    latencies: list[float]
    ack_latencies: list[float]
    cpu: dict[str, float]
    inbox_drops: tuple[int, int] = (0, 0)  # group messages channels-redis dropped: before / during the storm
    stored: int | None = None

    def pct(self, p: float, values: list[float] | None = None) -> float:
        values = self.latencies if values is None else values
        if not values:
            return float("nan")
        return values[max(0, math.ceil(p / 100 * len(values)) - 1)] * 1000


def storm_key(event: dict) -> int | None:
    """Which storm event this is (0: the question, else the answering classroom), or None."""
    payload = event.get("payload") or {}
    if event.get("type") in STORM_TYPES and payload.get("quiz") == QUIZ:
        return payload.get("classroom", 0)
    return None


async def read_messages(member: Member, counters: Counters) -> None:
    """Timestamp every storm event on arrival (first copy only: resume and live broadcast may overlap)."""
    from websockets.exceptions import ConnectionClosed

    clock = time.perf_counter
    try:
        async for raw in member.ws:
            now = clock()
            counters.messages += 1
            counters.last_message = now
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "event":
                event = message["event"]
                key = storm_key(event)
                if key is None or key in member.seen:
                    continue
                member.seen[key] = now
                if event["seq"] < member.top_seq:
                    member.out_of_order += 1
                member.top_seq = max(member.top_seq, event["seq"])
                if key != member.key:
                    counters.delivered += 1
                    counters.last_delivery = now
                if key == 0 and member.key != 0 and counters.on_question is not None:
                    counters.on_question(member)
            elif kind == "ack" and message.get("id") == f"storm-{member.key}":
                member.ack_at = now
            elif kind == "error":
                member.errors.append(str(message.get("error")))
    except ConnectionClosed as closed:
        member.dropped = True
        counters.dropped += 1
        code = closed.rcvd.code if closed.rcvd is not None else 1006
        counters.close_codes[code] = counters.close_codes.get(code, 0) + 1


async def join(member: Member, url: str, origin: str, gate: asyncio.Semaphore, counters: Counters) -> None:
    """Connect as a browser would (session cookie, same-host Origin), wait for ``hello``, then resume."""
    from websockets.asyncio.client import connect

    async with gate:
        try:
            member.ws = await connect(
                url,
                origin=origin,
                additional_headers={"Cookie": member.cookie},
                compression=None,  # measure the event path, not zlib; both servers get the same
                proxy=None,
                ping_interval=None,
                open_timeout=OPEN_TIMEOUT,
                close_timeout=5,
                max_queue=None,
            )
            hello = json.loads(await asyncio.wait_for(member.ws.recv(), OPEN_TIMEOUT))
            if hello.get("type") != "hello":
                raise RuntimeError(f"expected hello, got {hello}")
            await member.ws.send(json.dumps({"type": "resume", "since": 0}))
        except Exception as exc:  # noqa: BLE001 - any failure to join is reported, not fatal
            member.failed = f"{type(exc).__name__}: {exc}"
            if member.ws is not None:
                member.ws.transport.abort()
            return
    member.reader = asyncio.create_task(read_messages(member, counters))


async def settle(counters: Counters) -> float:
    """Wait until no message has arrived for QUIET seconds (joins and resumes are done)."""
    start = time.perf_counter()
    counters.last_message = max(counters.last_message, start)
    while time.perf_counter() - counters.last_message < QUIET and time.perf_counter() - start < SETTLE_CAP:
        await asyncio.sleep(0.05)
    return time.perf_counter() - start


async def send_event(member: Member, event_type: str, payload: dict) -> bool:
    """Send one storm event, stamping the time just before it leaves (the start of its latency)."""
    text = json.dumps({"type": "event", "id": f"storm-{member.key}", "event": event_type, "payload": payload})
    now = time.perf_counter()
    try:
        await member.ws.send(text)
    except Exception:  # noqa: BLE001 - a closed connection is counted by its reader
        return False
    member.sent_at = member.lesson.sent[member.key] = now
    return True


def start_profiler(pid: int, path: str) -> subprocess.Popen:
    """py-spy (when installed) samples the server during the storm only: ``--profile stacks.txt``.

    ``--gil`` samples the thread that holds the GIL: otherwise a thread waiting for it is counted at whatever
    line it waits, which misleads in a process whose event loop and database thread share the GIL.

    The file holds collapsed stacks (one line per stack and its sample count), for flamegraph tools.
    """
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    command = [spy, "record", "--pid", str(pid), "--subprocesses", "--rate", "250", "--nonblocking", "--gil"]
    process = subprocess.Popen(
        [*command, "--format", "raw", "--output", path],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # py-spy attaches before the first question
    return process


def stop_profiler(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)  # py-spy writes its file when interrupted
    process.wait(timeout=60)


async def run_storm(
    name: str, plans: list[LessonPlan], server: Server, args, seed: int
) -> tuple[StormResult, list[str]]:
    """Connect everybody, settle, storm, drain, disconnect; return what was measured."""
    port, server_pid = server.port, server.process.pid
    rng = random.Random(seed)
    counters = Counters()
    lessons = []
    for plan in plans:
        lesson = LessonRun(plan.lesson_id)
        lesson.members = [Member(lesson, key, cookie) for key, cookie in plan.members]
        lessons.append(lesson)
    members = [m for lesson in lessons for m in lesson.members]
    origin = f"http://127.0.0.1:{port}"

    gate = asyncio.Semaphore(args.ramp)
    start = time.perf_counter()
    await asyncio.gather(
        *(
            join(m, f"ws://127.0.0.1:{port}/ws/lessons/{m.lesson.lesson_id}/", origin, gate, counters)
            for m in members
        )
    )
    connect_s = time.perf_counter() - start
    failed = [m for m in members if m.failed]
    settle_s = await settle(counters)

    drops_before = server.over_capacity()
    profiler = start_profiler(server_pid, args.profile) if args.profile and name == "sanke" else None
    cpu_before = cpu_snapshot(server_pid)
    counters.delivered, counters.dropped, counters.close_codes = 0, 0, {}
    live = [m for m in members if not m.failed]
    terminals = [m for m in live if m.key != 0]
    delays = {m: rng.uniform(0, args.window) for m in terminals}
    scheduled: set[Member] = set()
    answers: list[asyncio.Task] = []  # kept referenced until done
    unanswered = len(terminals)
    blind = 0
    all_answered = asyncio.Event()
    loop = asyncio.get_running_loop()

    async def send_answer(member: Member) -> None:
        nonlocal unanswered
        counts = {option: rng.randint(0, 12) for option in OPTIONS}
        try:
            await send_event(
                member, "quiz.answered", {"quiz": QUIZ, "classroom": member.key, "counts": counts}
            )
        finally:
            unanswered -= 1
            if unanswered == 0:
                all_answered.set()

    def answer(member: Member) -> None:
        answers.append(asyncio.ensure_future(send_answer(member)))

    def on_question(member: Member) -> None:
        """A terminal answers a random moment within the window after it hears the question."""
        if member not in scheduled:
            scheduled.add(member)
            loop.call_later(delays[member], answer, member)

    def start_question(member: Member, payload: dict) -> None:
        answers.append(asyncio.ensure_future(send_event(member, "quiz.started", payload)))

    def answer_blind() -> None:
        nonlocal blind
        for member in terminals:
            if member not in scheduled:
                blind += 1
                scheduled.add(member)
                answer(member)

    # Timers instead of one waiting task per terminal: the clients' own overhead at the start of the storm
    # would otherwise show up as latency of both servers.
    counters.on_question = on_question
    t0 = time.perf_counter()
    question = {"quiz": QUIZ, "kind": "single", "question": "下列哪个是水果？", "options": OPTIONS}
    hosts = [m for m in live if m.key == 0]
    if args.ask_window > 0:  # questions spread out instead of all at the same moment
        for member in hosts:
            loop.call_later(rng.uniform(0, args.ask_window), start_question, member, question)
        await asyncio.sleep(args.ask_window)
    else:
        for member in hosts:
            await send_event(member, "quiz.started", question)
    blind_timer = loop.call_later(QUIZ_WAIT, answer_blind)
    if terminals:
        await all_answered.wait()
    blind_timer.cancel()
    sent = sum(len(lesson.sent) for lesson in lessons)
    expected = sent * (MEMBERS - 1)
    all_sent = time.perf_counter()
    # The server is still working while anything arrives (acks included); stop after --drain s of silence.
    while counters.delivered < expected:
        if time.perf_counter() - max(counters.last_message, all_sent) > args.drain:
            break
        await asyncio.sleep(0.02)
    cpu_after = cpu_snapshot(server_pid)
    if profiler is not None:
        stop_profiler(profiler)
    drops = server.over_capacity()
    storm_s = max(counters.last_delivery, t0) - t0

    latencies, lost, lessons_with_loss, lost_to_dropped = [], 0, 0, 0
    for lesson in lessons:
        lesson_lost = 0
        for key, sent_at in lesson.sent.items():
            for member in lesson.members:
                if member.key == key:
                    continue
                arrived = member.seen.get(key)
                if arrived is None:
                    lesson_lost += 1
                    lost_to_dropped += member.dropped or bool(member.failed)
                else:
                    latencies.append(arrived - sent_at)
        lost += lesson_lost
        lessons_with_loss += lesson_lost > 0
    latencies.sort()
    ack_latencies = sorted(m.ack_at - m.sent_at for m in live if m.ack_at and m.sent_at)
    dropped = counters.dropped
    close_codes = dict(counters.close_codes)

    gate = asyncio.Semaphore(args.ramp)

    async def leave(member: Member) -> None:
        async with gate:
            try:
                await member.ws.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                member.ws.transport.abort()
        if member.reader is not None:
            await asyncio.wait([member.reader], timeout=5)

    await asyncio.gather(*(leave(m) for m in live))
    return StormResult(
        name=name,
        clients=len(members),
        failed=len(failed),
        connect_s=connect_s,
        settle_s=settle_s,
        sent=sent,
        expected=expected,
        delivered=len(latencies),
        lost=lost,
        lost_to_dropped=lost_to_dropped,
        lessons_with_loss=lessons_with_loss,
        out_of_order=sum(m.out_of_order for m in members),
        errors=sum(len(m.errors) for m in members),
        dropped=dropped,
        close_codes=close_codes,
        blind=blind,
        storm_s=storm_s,
        msgs_per_s=len(latencies) / storm_s if storm_s > 0 else 0.0,
        latencies=latencies,
        ack_latencies=ack_latencies,
        cpu=cpu_used(cpu_before, cpu_after),
        inbox_drops=(drops_before, drops - drops_before),
    ), [m.failed for m in failed[:3]]


def storm(name: str, server: Server, plans: list[LessonPlan], args, seed: int):
    """One system's run on a fresh event loop, so nothing of the previous run's loop carries over."""
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        return runner.run(run_storm(name, plans, server, args, seed))


# --- report -----------------------------------------------------------------------------------------------


def table(rows: list[list[str]]) -> str:
    """Plain aligned columns: the report is read in a terminal and pasted into docs/benchmarks.md."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def report(results: list[StormResult]) -> str:
    """The table, then per system what the table leaves out (CPU, order, errors, losses by cause)."""
    rows = [
        [
            "server",
            "clients",
            "connect s",
            "events",
            "delivered",
            "lost",
            "msgs/s",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "ack p99 ms",
            "storm s",
        ]
    ]
    for r in results:
        rows.append(
            [
                r.name,
                f"{r.clients - r.failed}/{r.clients}",
                f"{r.connect_s:.1f}",
                str(r.sent),
                f"{r.delivered}/{r.expected}",
                str(r.lost),
                f"{r.msgs_per_s:.0f}",
                f"{r.pct(50):.1f}",
                f"{r.pct(90):.1f}",
                f"{r.pct(99):.1f}",
                f"{r.pct(100):.1f}",
                f"{r.pct(99, r.ack_latencies):.1f}",
                f"{r.storm_s:.2f}",
            ]
        )
    lines = [table(rows), ""]
    for r in results:
        cpu = ", ".join(f"{k} {v:.1f}" for k, v in r.cpu.items() if v >= 0.05)
        extra = [f"CPU s during the storm: {cpu or '-'}"]
        codes = ", ".join(f"code {code}: {n}" for code, n in sorted(r.close_codes.items()))
        extra.append(f"out of order {r.out_of_order}, errors {r.errors}, connections dropped {r.dropped}")
        if codes:
            extra[-1] += f" ({codes})"
        if r.lessons_with_loss:
            extra.append(
                f"lessons with losses {r.lessons_with_loss}, "
                f"lost to dropped connections {r.lost_to_dropped} of {r.lost}"
            )
        if r.blind:
            extra.append(f"terminals that never heard the question {r.blind}")
        if any(r.inbox_drops):
            extra.append(
                "group messages dropped by channels-redis (inbox over capacity): "
                f"{r.inbox_drops[0]} while joining, {r.inbox_drops[1]} in the storm"
            )
        if r.stored is not None:
            extra.append(f"storm events stored {r.stored}")
        lines.append(f"  {r.name}: " + "; ".join(extra))
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------------------


def raise_open_files(clients: int) -> None:
    """Every client is a socket in this process (and one in the server): lift the soft limit if needed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = clients + 1024
    if soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        if new < wanted:
            print(f"warning: open files limited to {new}; {clients} clients need about {wanted}")


def parse_args(argv=None):
    """Options; ``--serve-baseline`` is how this file starts itself as the baseline server."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", type=int, default=5000, help="simulated clients, rounded up to whole lessons of 7"
    )
    parser.add_argument("--quick", action="store_true", help="350 clients (50 lessons): under a minute")
    parser.add_argument(
        "--layer",
        choices=["redis", "memory"],
        default="redis" if os.environ.get("SANKE_REDIS_URL") else "memory",
        help="channel layer (default: redis when SANKE_REDIS_URL is set)",
    )
    parser.add_argument("--redis-db", type=int, default=15, help="Redis database the bench owns (default 15)")
    parser.add_argument(
        "--redis-url", default="", help="full Redis URL instead of SANKE_REDIS_URL + --redis-db"
    )
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres"],
        default="postgres" if os.environ.get("SANKE_DATABASE_URL", "").startswith("postgres") else "sqlite",
        help="database (default: postgres when SANKE_DATABASE_URL names one)",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("SANKE_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres",
        help="PostgreSQL server on which to create (and drop) the run's own database",
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (redis layer only)")
    parser.add_argument(
        "--app",
        default="sanke.asgi:application",
        help="ASGI application to serve; a wrapper module on PYTHONPATH can try a change to sanke/",
    )
    parser.add_argument("--window", type=float, default=2.0, help="every terminal answers within this many s")
    parser.add_argument(
        "--ask-window",
        type=float,
        default=1.0,
        help="hosts ask at random moments within this many s (0: every host at the same moment)",
    )
    parser.add_argument("--ramp", type=int, default=100, help="connections opened at the same time")
    parser.add_argument(
        "--drain",
        type=float,
        default=10.0,
        help="s without any message before missing deliveries count as lost",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", default="", help="py-spy stacks of the server's storm to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    parser.add_argument("--serve-baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.clients = 350
    if args.clients < MEMBERS:
        parser.error(f"--clients must be at least {MEMBERS}")
    if args.workers > 1 and args.layer == "memory":
        parser.error("the in-memory layer cannot span several worker processes: use --layer redis")
    return args


def main(argv=None) -> int:
    """Build the world, storm the platform, storm the baseline, report; always clean up."""
    args = parse_args(argv)
    if args.serve_baseline:
        serve_baseline(args.port)
        return 0
    started = time.perf_counter()
    lesson_count = math.ceil(args.clients / MEMBERS)  # "at least N clients": whole lessons of 7
    clients = lesson_count * MEMBERS
    raise_open_files(clients)
    environment = prepare_environment(args)
    servers: list[Server] = []
    try:
        setup_django()
        from django.core.management import call_command
        from django.db import connections

        t = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_s = time.perf_counter() - t
        t = time.perf_counter()
        plans = build_world(lesson_count)
        world_s = time.perf_counter() - t
        connections.close_all()
        kind = os.environ.get("SANKE_CHANNEL_LAYER", "pubsub")
        layer = "in-memory layer"
        if args.layer == "redis":
            layer = f"channels-redis {kind} layer ({environment.redis_url})"
        print(
            f"realtime benchmark: {clients} clients in {lesson_count} lessons "
            f"(1 host + {MEMBERS - 1} classroom terminals)\n  quiz storm: every host asks within "
            f"{args.ask_window:g} s, every classroom answers within {args.window:g} s of hearing the question"
        )
        print(
            f"  sanke: {args.app} under uvicorn, {args.workers} worker{'s' if args.workers > 1 else ''}, "
            f"{layer}, {environment.describe()}"
        )
        print(
            f"  world: migrations {migrate_s:.1f} s, {lesson_count} live lessons through the actions "
            f"and {clients} sessions in {world_s:.1f} s"
        )
        print("  baseline: bare asyncio websockets server, one process, ack + broadcast to the room")
        load = os.getloadavg()[0]
        print(f"  machine: {os.cpu_count()} cores, load average {load:.2f} before the storms")
        sys.stdout.flush()

        results = []
        server = start_sanke(environment, args.workers, args.app)
        servers.append(server)
        result, failures = storm("sanke", server, plans, args, args.seed)
        server.stop()
        result.stored = stored_storm_events()
        logged = server.errors()
        if logged:
            common = Counter(line[:160] for line in logged).most_common(3)
            print(f"  sanke server logged {len(logged)} errors, most often: {common}")
        connections.close_all()
        results.append(result)
        if failures:
            print(f"  sanke: {result.failed} clients failed to join, e.g. {failures}")
            print(server.tail(15))

        server = start_baseline(environment)
        servers.append(server)
        result, failures = storm("baseline", server, plans, args, args.seed)
        server.stop()
        results.append(result)
        if failures:
            print(f"  baseline: {result.failed} clients failed to join, e.g. {failures}")

        sanke, baseline = results
        ratio = sanke.msgs_per_s / baseline.msgs_per_s if baseline.msgs_per_s else 0.0
        print()
        print(report(results))
        print()
        print(
            f"sanke / baseline: throughput x{ratio:.3f}, p99 {sanke.pct(99):.1f} ms against "
            f"{baseline.pct(99):.1f} ms"
        )
        targets = [
            ("p99 < 100 ms", sanke.pct(99) < 100),
            ("zero lost", sanke.lost == 0 and sanke.failed == 0),
            (">= 50 % of the bare server's throughput", ratio >= 0.5),
        ]
        with_redis = "" if args.layer == "redis" else " (the targets are set for channels-redis)"
        print(
            "targets"
            + with_redis
            + ": "
            + "; ".join(f"{n}: {'met' if ok else 'missed'}" for n, ok in targets)
        )
        print(f"whole run {time.perf_counter() - started:.1f} s")
        summary = {
            "bench": "realtime",
            "clients": clients,
            "msgs_per_s": round(sanke.msgs_per_s, 1),
            "p50_ms": round(sanke.pct(50), 2),
            "p99_ms": round(sanke.pct(99), 2),
            "lost": sanke.lost,
            "baseline_msgs_per_s": round(baseline.msgs_per_s, 1),
            "ratio": round(ratio, 4),
        }
        print(json.dumps(summary))
        return 0
    finally:
        for server in servers:
            server.stop()
        drop_environment(environment, args.keep)


if __name__ == "__main__":
    sys.exit(main())
