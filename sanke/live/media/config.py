"""The configuration of the local Janus server.

:func:`janus_config` writes the configuration folder that ``make run`` (and the tests) start Janus with:
Debian's templates from ``/etc/janus`` copied and edited, so that the running server offers only what
the platform uses — the VideoRoom plugin, the HTTP and WebSocket transports on 127.0.0.1, no admin API,
no event handlers or external loggers — and that it accepts only requests with a token the platform signed
(``token_auth_secret``) and room creation only with the platform's VideoRoom ``admin_key``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

JANUS_TEMPLATES = Path("/etc/janus")

KEEP_PLUGINS = {"libjanus_videoroom.so"}
KEEP_TRANSPORTS = {"libjanus_http.so", "libjanus_websockets.so"}
# Only these files are written; Janus finds nothing else in the folder.
CONFIG_FILES = (
    "janus.jcfg",
    "janus.transport.http.jcfg",
    "janus.transport.websockets.jcfg",
    "janus.plugin.videoroom.jcfg",
)


def janus_config(
    dest_dir: str | Path,
    *,
    http_port: int,
    ws_port: int,
    rtp_range: str,
    interface: str | None = None,
    api_secret: str = "",
    token_secret: str = "",
    admin_key: str = "",
    templates: str | Path = JANUS_TEMPLATES,
) -> Path:
    """Write a minimal Janus configuration folder at ``dest_dir`` and return the path of ``janus.jcfg``.

    Start Janus with ``janus -F DEST -C DEST/janus.jcfg``. ``rtp_range`` is ``"MIN-MAX"`` (UDP ports of
    the media); ``interface`` limits ICE candidate gathering to one network interface or address
    (``ice_enforce_list``, e.g. the veth of a test's network namespace; None gathers on all but
    loopback); ``api_secret`` makes Janus refuse API requests without it (see ``SANKE_JANUS_API_SECRET``);
    ``token_secret`` turns on signed tokens (``SANKE_JANUS_TOKEN_SECRET``) and ``admin_key`` restricts
    room creation (``SANKE_JANUS_ADMIN_KEY``).
    """
    templates = Path(templates)
    dest = Path(dest_dir).resolve()
    if not (templates / "janus.jcfg").exists():
        raise FileNotFoundError(
            f"{templates}/janus.jcfg not found: install Janus (scripts/system_deps.sh installs it)"
        )
    if dest == templates.resolve():
        raise ValueError(f"write the configuration to a folder of its own, not to {templates}")
    if not re.fullmatch(r"[0-9]+-[0-9]+", rtp_range):
        raise ValueError(f"rtp_range must look like 20000-20999, not {rtp_range!r}")
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    dest.chmod(0o700)  # it holds the token secret and the admin key: for the platform's account only
    for stale in dest.glob("*.jcfg"):
        if stale.name not in CONFIG_FILES:
            stale.unlink()  # an earlier version's plugin config must not linger

    core = (templates / "janus.jcfg").read_text()
    folders = {
        key: Path(_get(core, "general", key) or "")
        for key in ("plugins_folder", "transports_folder", "events_folder", "loggers_folder")
    }
    core = _set(core, "general", "configs_folder", str(dest))
    core = _unset(core, "general", "admin_secret")  # the template's well-known default; admin API is off
    core = (
        _set(core, "general", "api_secret", api_secret)
        if api_secret
        else _unset(core, "general", "api_secret")
    )
    if token_secret:
        core = _set(core, "general", "token_auth", True)
        core = _set(core, "general", "token_auth_secret", token_secret)
    else:
        core = _set(core, "general", "token_auth", False)
        core = _unset(core, "general", "token_auth_secret")
    core = _set(core, "general", "hide_dependencies", True)
    core = _set(core, "media", "rtp_port_range", rtp_range)
    core = _set(core, "nat", "ignore_mdns", True)
    core = _unset(core, "nat", "stun_server")
    if interface:
        core = _set(core, "nat", "ice_enforce_list", interface)
    core = _set(core, "plugins", "disable", _others(folders["plugins_folder"], KEEP_PLUGINS))
    core = _set(core, "transports", "disable", _others(folders["transports_folder"], KEEP_TRANSPORTS))
    core = _set(core, "loggers", "disable", _others(folders["loggers_folder"], set()))
    core = _set(core, "events", "broadcast", False)
    core = _set(core, "events", "disable", _others(folders["events_folder"], set()))
    _write_private(dest / "janus.jcfg", core)

    http = (templates / "janus.transport.http.jcfg").read_text()
    http = _set(http, "general", "http", True)
    http = _set(http, "general", "ip", "127.0.0.1")
    http = _set(http, "general", "port", http_port)
    http = _set(http, "general", "https", False)
    http = _set(http, "admin", "admin_http", False)
    http = _set(http, "admin", "admin_https", False)
    _write_private(dest / "janus.transport.http.jcfg", http)

    ws = (templates / "janus.transport.websockets.jcfg").read_text()
    ws = _set(ws, "general", "ws", True)
    ws = _set(ws, "general", "ws_ip", "127.0.0.1")
    ws = _set(ws, "general", "ws_port", ws_port)
    ws = _set(ws, "general", "wss", False)
    ws = _set(ws, "admin", "admin_ws", False)
    ws = _set(ws, "admin", "admin_wss", False)
    _write_private(dest / "janus.transport.websockets.jcfg", ws)

    # No demo rooms (the template's have a public secret): the platform creates a room per lesson.
    admin = f"\tadmin_key = {json.dumps(admin_key)}\n" if admin_key else ""
    _write_private(
        dest / "janus.plugin.videoroom.jcfg",
        "# Written by Sanke (sanke/live/media/config.py): rooms are created per lesson over the API.\n"
        f"general: {{\n{admin}}}\n",
    )
    return dest / "janus.jcfg"


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` readable by the platform's account only (0600), whatever the umask of the caller and
    the mode of an earlier file: the configuration holds the token secret and the VideoRoom admin key."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)


def _others(folder: Path, keep: set[str]) -> str:
    """Every ``libjanus_*.so`` in ``folder`` except ``keep``, as Janus' comma-separated ``disable`` list."""
    names = sorted(path.name for path in folder.glob("libjanus_*.so")) if folder.is_dir() else []
    return ",".join(name for name in names if name not in keep)


def _section_span(text: str, section: str) -> tuple[int, int]:
    """Start and end offsets of the body of ``section: { ... }`` (a top-level block) in a .jcfg file."""
    match = re.search(rf"^{re.escape(section)}\s*:\s*\{{", text, re.MULTILINE)
    if match is None:
        raise ValueError(f"no {section!r} section in the Janus template")
    end = re.compile(r"^\}", re.MULTILINE).search(text, match.end())
    if end is None:
        raise ValueError(f"unterminated {section!r} section in the Janus template")
    return match.end(), end.start()


def _key_line(key: str) -> re.Pattern[str]:
    # The setting, set or commented out, with its trailing comment: `\t#key = value    # comment`.
    return re.compile(rf"^[ \t]*#?[ \t]*{re.escape(key)}[ \t]*=.*$", re.MULTILINE)


def _get(text: str, section: str, key: str) -> str | None:
    start, end = _section_span(text, section)
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=[ \t]*\"([^\"]*)\"", text[start:end], re.MULTILINE)
    return match.group(1) if match else None


def _set(text: str, section: str, key: str, value: str | int | bool) -> str:
    """Set ``key`` in ``section``: replace its line (even commented out) or add it at the section's end."""
    if isinstance(value, bool):
        rendered = "true" if value else "false"
    elif isinstance(value, int):
        rendered = str(value)
    else:
        rendered = json.dumps(value)  # a libconfig string: double quotes, backslash escapes
    line = f"\t{key} = {rendered}"
    start, end = _section_span(text, section)
    body = text[start:end]
    pattern = _key_line(key)
    if pattern.search(body):
        body = pattern.sub(lambda _match: line, body, count=1)
    else:
        body = body.rstrip("\n") + "\n" + line + "\n"
    return text[:start] + body + text[end:]


def _unset(text: str, section: str, key: str) -> str:
    """Comment ``key`` out in ``section`` (nothing if absent)."""
    start, end = _section_span(text, section)
    pattern = re.compile(rf"^([ \t]*)({re.escape(key)}[ \t]*=)", re.MULTILINE)
    return text[:start] + pattern.sub(r"\1#\2", text[start:end]) + text[end:]
