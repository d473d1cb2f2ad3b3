"""Where the CPU went during a storm: the server (its workers included), Redis, PostgreSQL, the clients.

Snapshots of ``/proc`` before and after the storm, so that only the storm counts; the rest of the
machine's busy time is the kernel's loopback TCP work. With ``--profile``, py-spy samples the server
over the same span.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

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
