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

This file holds the options and the order of a run; the parts are in ``bench/livestorm/`` (environment,
world, servers, cpu, clients, storm, report).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import Counter

from livestorm.clients import raise_open_files
from livestorm.environment import drop_environment, prepare_environment
from livestorm.report import report
from livestorm.servers import Server, serve_baseline, start_baseline, start_sanke
from livestorm.storm import stored_storm_events, storm
from livestorm.world import MEMBERS, build_world, setup_django


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
