"""The two systems under test, each a subprocess of the run with its own log: sanke and the bare baseline.

sanke is the ASGI application under uvicorn. The baseline is ``serve_baseline``, a ``websockets`` server
that ``bench/realtime.py --serve-baseline`` runs in a process of its own, like the platform, so neither
shares an event loop with the clients. The free port and the uvicorn command come from
``sanke.testing.servers``; readiness is a TCP connect rather than its ``wait_for_http``, because the
baseline answers WebSocket handshakes only and sanke is to get no request before the storm's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import ROOT
from .environment import Environment

ENTRY_POINT = ROOT / "bench" / "realtime.py"  # started again with --serve-baseline for the baseline


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
    command = [sys.executable, str(ENTRY_POINT), "--serve-baseline", "--port", str(port)]
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
