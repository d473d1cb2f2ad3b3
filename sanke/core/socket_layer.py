"""A channel layer for several processes of one machine without Redis: the embedded default's (``make run``).

Why: under ASGI a process runs its synchronous views in threads that share one interpreter lock, so one
uvicorn process uses one core. ``make run`` serves pages with several worker processes, and then
Channels' in-memory layer no longer suffices: the sockets of one lesson may sit in different processes,
and a page view or the Celery worker that broadcasts an event runs in yet another. Production has Redis
for that; a laptop should not need it (docs/decisions/0015-several-web-processes.md).

How: each process keeps Channels' in-memory layer for its own channels and groups. A process that has
a consumer (it adds a channel to a group) binds a Unix datagram socket in ``directory``; a group message
is delivered locally and also sent, as one msgpack datagram, to every other socket there, whose process
delivers it to its own members of the group (if it has none, it drops it). Datagrams between local
processes are reliable and keep their order per sender, like channels-redis' pub/sub layer. Direct
sends to one channel stay in the process (nothing in Sanke sends to another process's channel). The
directory is private to the installation's user (0700); a socket left by a process that is gone is
removed when a process binds its own, or by the first send that finds nobody listening.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import copy
import hashlib
import logging
import os
import secrets
import socket
import tempfile
import time
from pathlib import Path

import msgpack
from channels.layers import InMemoryChannelLayer

logger = logging.getLogger(__name__)

MAX_DATAGRAM = (
    256 * 1024
)  # the lesson room's frames are at most 64 KiB; Linux's default buffers allow ~200 KiB
MAX_DIRECTORY_LENGTH = 80  # leaves room for "/<pid>-<8 hex>.sock" within a socket address's 107 bytes
SEND_PATIENCE = 2.0  # seconds a full peer may keep a sender waiting before the message is dropped (logged)


def socket_directory(wanted: Path) -> Path:
    """``wanted``, or a short private one under /tmp named after it: a socket's path has at most 107 bytes.

    Only this user may enter it (0700, and owned by this user), so no other local account can inject
    messages into a lesson.
    """
    if len(str(wanted.resolve())) > MAX_DIRECTORY_LENGTH:
        digest = hashlib.sha256(str(wanted.resolve()).encode()).hexdigest()[:16]
        wanted = Path(tempfile.gettempdir()) / f"sanke-channels-{os.getuid()}-{digest}"
    wanted.mkdir(mode=0o700, parents=True, exist_ok=True)
    if wanted.stat().st_uid != os.getuid():
        raise PermissionError(f"{wanted} belongs to another user; the channel layer will not use it")
    wanted.chmod(0o700)
    return wanted


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class UnixSocketChannelLayer(InMemoryChannelLayer):
    """In-memory per process; group messages also reach the other processes that share ``directory``."""

    def __init__(self, directory: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.directory = socket_directory(Path(directory))
        self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sender.setblocking(False)
        self._receiver: socket.socket | None = None
        self._receiver_path: Path | None = None
        self._receiver_loop: asyncio.AbstractEventLoop | None = None

    _receiver_pid = 0  # the process that bound the socket (a forked child binds its own)

    # --- receiving: only processes with consumers listen ----------------------------------------------

    def _listen(self) -> None:
        """Bind this process's socket and read it on the running loop (again if the loop changed)."""
        loop = asyncio.get_running_loop()
        if self._receiver is None or self._receiver_pid != os.getpid():
            path = self.directory / f"{os.getpid()}-{secrets.token_hex(4)}.sock"
            receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
            self._forget_the_dead()
            receiver.bind(str(path))
            receiver.setblocking(False)
            self._receiver, self._receiver_path, self._receiver_loop = receiver, path, None
            self._receiver_pid = os.getpid()
            atexit.register(self._unlink, path)
        if self._receiver_loop is not loop:
            old = self._receiver_loop
            if old is not None and not old.is_closed():
                old.remove_reader(self._receiver.fileno())
            loop.add_reader(self._receiver.fileno(), self._on_readable)
            self._receiver_loop = loop

    def _forget_the_dead(self) -> None:
        """Remove the sockets of processes that are gone (uvicorn workers end by ``os._exit``: no atexit)."""
        for entry in self._peers():
            pid = entry.name.split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                self._unlink(entry)

    @staticmethod
    def _unlink(path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()

    def _on_readable(self) -> None:
        while self._receiver is not None:
            try:
                data = self._receiver.recv(MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                return
            try:
                group, message = msgpack.unpackb(data, raw=False)
            except (ValueError, TypeError, msgpack.UnpackException):
                logger.warning("socket channel layer: an unreadable datagram was dropped")
                continue
            if group in self.groups:
                self._deliver(group, message)

    def _deliver(self, group: str, message: dict) -> None:
        """Into the local members' queues, synchronously, so datagrams keep their order."""
        self._clean_expired()
        for channel in list(self.groups.get(group, {})):
            queue = self.channels.setdefault(channel, asyncio.Queue(maxsize=self.get_capacity(channel)))
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait((time.time() + self.expiry, copy.deepcopy(message)))  # as in-memory does

    async def group_add(self, group, channel):
        await super().group_add(group, channel)
        self._listen()

    # --- sending -------------------------------------------------------------------------------------

    async def group_send(self, group, message):
        await super().group_send(group, message)
        data = msgpack.packb([group, message], use_bin_type=True)
        if len(data) > MAX_DATAGRAM:
            logger.error("socket channel layer: a %d-byte message to %s is not relayed", len(data), group)
            return
        for path in self._peers():
            await self._send_to(path, data)

    def _peers(self) -> list[Path]:
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return []
        own = str(self._receiver_path) if self._receiver_pid == os.getpid() else None
        return [Path(e.path) for e in entries if e.name.endswith(".sock") and e.path != own]

    async def _send_to(self, path: Path, data: bytes) -> None:
        waited = 0.0
        while True:
            try:
                self._sender.sendto(data, str(path))
                return
            except (ConnectionRefusedError, FileNotFoundError):
                self._unlink(path)  # its process is gone
                return
            except (BlockingIOError, InterruptedError):
                if waited >= SEND_PATIENCE:
                    logger.warning("socket channel layer: %s stays full; a message was dropped", path.name)
                    return
                await asyncio.sleep(0.005)
                waited += 0.005
            except OSError as error:
                logger.warning("socket channel layer: sending to %s failed: %s", path.name, error)
                return
