"""The Janus control plane against a real Janus started by the test, on loopback.

The HTTP API needs no ICE, so these tests run Janus bound to 127.0.0.1 with no network namespace; media
tests (which need candidates) live elsewhere. A missing ``janus`` binary fails the tests: run
``scripts/system_deps.sh --test``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command

from sanke.live.media.backend import choose_backend, forget_probes
from sanke.live.media.config import janus_config
from sanke.live.media.janus import (
    VIDEOROOM_ID_EXISTS,
    VIDEOROOM_MISSING_ELEMENT,
    VIDEOROOM_NO_SUCH_ROOM,
    VIDEOROOM_PLUGIN,
    VIDEOROOM_ROOM_EXISTS,
    VIDEOROOM_UNAUTHORIZED,
    JanusClient,
    JanusError,
    sign_token,
)
from sanke.testing.servers import free_port

START_TIMEOUT_SECONDS = 10
# as in production: Janus accepts only tokens signed with this secret, and rooms only with the admin key
TOKEN_SECRET = "test-token-secret"
ADMIN_KEY = "test-admin-key"


@dataclass
class RunningJanus:
    url: str
    ws_port: int
    http_port: int
    conf_dir: Path
    process: subprocess.Popen


def janus_binary() -> str:
    binary = shutil.which("janus")
    if binary is None:
        pytest.fail("the janus binary is missing: run scripts/system_deps.sh --test", pytrace=False)
    return binary


@contextmanager
def running_janus(
    conf_dir: Path, *, api_secret: str = "", token_secret: str = "", admin_key: str = ""
) -> Iterator[RunningJanus]:
    """Write a configuration with free ports into ``conf_dir``, start Janus, stop it by PID afterwards."""
    binary = janus_binary()
    http_port = free_port()
    ws_port = free_port()
    while ws_port == http_port:
        ws_port = free_port()
    config = janus_config(
        conf_dir,
        http_port=http_port,
        ws_port=ws_port,
        rtp_range="40000-40099",
        api_secret=api_secret,
        token_secret=token_secret,
        admin_key=admin_key,
    )
    log = conf_dir / "janus.log"
    process = subprocess.Popen(
        [binary, "-F", str(conf_dir), "-C", str(config), "-L", str(log), "-N", "-o"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    janus = RunningJanus(f"http://127.0.0.1:{http_port}/janus", ws_port, http_port, conf_dir, process)
    try:
        client = JanusClient(janus.url, timeout=1)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not client.ping():
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
                pytest.fail(f"Janus did not answer on {janus.url}; its log ends with:\n{tail}")
            time.sleep(0.05)
        yield janus
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def janus(tmp_path_factory) -> Iterator[RunningJanus]:
    with running_janus(
        tmp_path_factory.mktemp("janus"), token_secret=TOKEN_SECRET, admin_key=ADMIN_KEY
    ) as running:
        yield running


@pytest.fixture
def client(janus) -> JanusClient:
    """The platform's client: it signs its own tokens and holds the admin key."""
    return JanusClient(janus.url, token_secret=TOKEN_SECRET, admin_key=ADMIN_KEY)


@pytest.fixture
def fresh_probes():
    forget_probes()
    yield
    forget_probes()


def test_a_lesson_room_lives_from_create_to_destroy(client):
    # when
    created = client.create_room(
        910001, "三年级英语 · 千岛湖镇第一小学 → 龙井教学点", publishers=4, bitrate=256_000
    )
    # then
    assert created["room"] == 910001
    assert client.exists(910001)
    assert client.list_participants(910001) == []

    # when
    client.destroy_room(910001)
    # then
    assert not client.exists(910001)


def test_creating_the_same_room_twice_is_a_clear_error(client):
    client.create_room(910002, "twice", publishers=2, bitrate=128_000)
    try:
        with pytest.raises(JanusError) as raised:
            client.create_room(910002, "twice", publishers=2, bitrate=128_000)
        assert raised.value.code == VIDEOROOM_ROOM_EXISTS
        assert "already exists" in str(raised.value)
    finally:
        client.destroy_room(910002)


def test_a_room_with_a_secret_needs_it_to_be_destroyed(client):
    client.create_room(910003, "secret", publishers=2, bitrate=128_000, secret="s3cret", pin="1234")
    with pytest.raises(JanusError):
        client.destroy_room(910003, secret="wrong")
    client.destroy_room(910003, secret="s3cret")
    assert not client.exists(910003)


def test_destroying_a_missing_room_says_so(client):
    with pytest.raises(JanusError) as raised:
        client.destroy_room(910099)
    assert raised.value.code == VIDEOROOM_NO_SUCH_ROOM


def test_one_session_can_run_several_requests(client):
    with client.videoroom() as room:
        room.create_room(910004, "one session", publishers=2, bitrate=128_000)
        assert room.exists(910004)
        room.destroy_room(910004)
        assert not room.exists(910004)


def test_it_picks_janus_when_janus_answers(janus, settings, fresh_probes):
    settings.SANKE_MEDIA_BACKEND = "auto"
    settings.SANKE_JANUS_URL = janus.url
    assert choose_backend() == "janus"


def test_it_falls_back_to_p2p_when_janus_does_not_answer(settings, fresh_probes):
    settings.SANKE_MEDIA_BACKEND = "auto"
    settings.SANKE_JANUS_URL = f"http://127.0.0.1:{free_port()}/janus"  # nothing listens there
    assert choose_backend() == "p2p"


def test_it_uses_p2p_when_no_janus_is_configured(settings, fresh_probes):
    settings.SANKE_MEDIA_BACKEND = "auto"
    settings.SANKE_JANUS_URL = ""
    assert choose_backend() == "p2p"


def test_the_reachability_answer_is_cached_briefly(tmp_path, settings, fresh_probes):
    settings.SANKE_MEDIA_BACKEND = "auto"
    with running_janus(tmp_path / "janus") as janus:
        settings.SANKE_JANUS_URL = janus.url
        assert choose_backend() == "janus"
    # Janus is gone; the answer stands for PROBE_TTL_SECONDS, then a new probe notices.
    assert choose_backend() == "janus"
    forget_probes()
    assert choose_backend() == "p2p"


def test_a_forced_backend_wins(janus, settings, fresh_probes):
    settings.SANKE_JANUS_URL = janus.url
    settings.SANKE_MEDIA_BACKEND = "p2p"
    assert choose_backend() == "p2p"
    settings.SANKE_JANUS_URL = f"http://127.0.0.1:{free_port()}/janus"
    settings.SANKE_MEDIA_BACKEND = "janus"
    assert choose_backend() == "janus"  # forced: no probe, a Janus outage shows as an error, not as p2p


def test_the_config_loads_only_videoroom_and_listens_on_loopback_only(janus, client):
    # then: the written files
    core = (janus.conf_dir / "janus.jcfg").read_text()
    plugin_folder = Path(_value(core, "plugins_folder"))
    disabled = set(_value(core, "disable", after="plugins:").split(","))
    available = {path.name for path in plugin_folder.glob("libjanus_*.so")}
    assert available - disabled == {"libjanus_videoroom.so"}
    assert _value(core, "ignore_mdns") == "true"
    assert _value(core, "rtp_port_range") == "40000-40099"
    assert sorted(path.name for path in janus.conf_dir.glob("*.jcfg")) == [
        "janus.jcfg",
        "janus.plugin.videoroom.jcfg",
        "janus.transport.http.jcfg",
        "janus.transport.websockets.jcfg",
    ]
    http = (janus.conf_dir / "janus.transport.http.jcfg").read_text()
    assert (_value(http, "ip"), _value(http, "admin_http")) == ("127.0.0.1", "false")
    ws = (janus.conf_dir / "janus.transport.websockets.jcfg").read_text()
    assert (_value(ws, "ws_ip"), _value(ws, "admin_ws")) == ("127.0.0.1", "false")

    # then: what the running server says it loaded
    info = client.info()
    assert set(info["plugins"]) == {"janus.plugin.videoroom"}
    assert set(info["transports"]) == {"janus.transport.http", "janus.transport.websockets"}
    assert info["event_handlers"] is False

    # then: the kernel's table of listening sockets (read locally, no traffic)
    assert _listening_addresses(janus.http_port) == {"127.0.0.1"}
    assert _listening_addresses(janus.ws_port) == {"127.0.0.1"}


def test_an_api_secret_keeps_other_clients_out_but_not_pages_with_a_token(tmp_path):
    with running_janus(tmp_path / "janus", api_secret="platform-only", token_secret=TOKEN_SECRET) as janus:
        with pytest.raises(JanusError) as raised:
            JanusClient(janus.url).exists(1)
        assert raised.value.code == 403
        assert JanusClient(janus.url, api_secret="platform-only").exists(1) is False
        assert JanusClient(janus.url, token_secret=TOKEN_SECRET).exists(1) is False  # a lesson page


def test_only_signed_tokens_get_in_and_only_the_platform_creates_or_destroys_rooms(janus, client):
    def refused(call) -> int:
        with pytest.raises(JanusError) as raised:
            call()
        return raised.value.code

    # nobody without a token, or with one signed by another secret, or expired, or for another plugin
    assert refused(lambda: JanusClient(janus.url).exists(1)) == 403
    assert refused(lambda: JanusClient(janus.url, token_secret="guessed").exists(1)) == 403
    expired = JanusClient(janus.url, token_secret=TOKEN_SECRET)
    expired.TOKEN_SECONDS = -60
    assert refused(lambda: expired.exists(1)) == 403
    echo_only = sign_token(TOKEN_SECRET, 60, plugins=("janus.plugin.echotest",))
    bare = JanusClient(janus.url)
    session = bare._call("", {"janus": "create", "token": echo_only})["data"]["id"]
    assert (
        refused(
            lambda: bare._call(
                f"/{session}", {"janus": "attach", "plugin": VIDEOROOM_PLUGIN, "token": echo_only}
            )
        )
        == 405
    )

    # a lesson page's token joins the VideoRoom plugin but cannot create or destroy a lesson's room
    page = JanusClient(janus.url, token_secret=TOKEN_SECRET)  # what a page can do, minus the PIN
    assert page.exists(910100) is False
    assert (
        refused(lambda: page.create_room(910100, "x", publishers=2, bitrate=128_000))
        == VIDEOROOM_MISSING_ELEMENT
    )
    guessing = JanusClient(janus.url, token_secret=TOKEN_SECRET, admin_key="guessed")
    assert (
        refused(lambda: guessing.create_room(910100, "x", publishers=2, bitrate=128_000))
        == VIDEOROOM_UNAUTHORIZED
    )
    client.create_room(910100, "lesson", publishers=2, bitrate=128_000, secret="room-secret", pin="1234")
    try:
        assert refused(lambda: page.destroy_room(910100)) == VIDEOROOM_MISSING_ELEMENT
        assert refused(lambda: page.destroy_room(910100, secret="guessed")) == VIDEOROOM_UNAUTHORIZED
        with page.videoroom() as handle:  # private: not in the room list
            assert 910100 not in {room["room"] for room in handle.request({"request": "list"})["list"]}
    finally:
        client.destroy_room(910100, secret="room-secret")
    assert not client.exists(910100)


def test_the_management_command_writes_the_folder(tmp_path):
    call_command(
        "janus_config",
        str(tmp_path / "conf"),
        *("--http-port", "18288", "--ws-port", "18289", "--rtp-range", "21000-21099", "--interface", "v0"),
        verbosity=0,
    )
    http = (tmp_path / "conf" / "janus.transport.http.jcfg").read_text()
    assert _value(http, "port") == "18288"
    core = (tmp_path / "conf" / "janus.jcfg").read_text()
    assert _value(core, "configs_folder") == str((tmp_path / "conf").resolve())
    assert _value(core, "rtp_port_range") == "21000-21099"
    assert _value(core, "ice_enforce_list") == "v0"
    assert _value(core, "token_auth") == "true"
    assert _value(core, "token_auth_secret") == settings.SANKE_JANUS_TOKEN_SECRET
    videoroom = (tmp_path / "conf" / "janus.plugin.videoroom.jcfg").read_text()
    assert _value(videoroom, "admin_key") == settings.SANKE_JANUS_ADMIN_KEY


def _value(text: str, key: str, *, after: str = "") -> str:
    """The value of the first uncommented ``key = value`` line (after the line starting ``after``)."""
    lines = text.splitlines()
    if after:
        lines = lines[next(i for i, line in enumerate(lines) if line.startswith(after)) :]
    for line in lines:
        name, sep, value = line.strip().partition("=")
        if sep and name.strip() == key:
            return value.split("#")[0].strip().strip('"')
    raise AssertionError(f"{key} is not set")


def _listening_addresses(port: int) -> set[str]:
    """Addresses that TCP sockets listen on at ``port``, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A = LISTEN
                if len(address) == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                else:
                    found.add(f"ipv6:{address}")
    return found


def test_each_lesson_is_placed_on_one_of_several_janus_instances(settings):
    from sanke.live.media.rooms import instance

    settings.SANKE_JANUS_URLS = ["http://a:8088/janus", "http://b:8088/janus"]
    settings.SANKE_JANUS_WS_URLS = ["ws://a:8188/", "ws://b:8188/"]
    placed = {instance(SimpleNamespace(pk=pk)) for pk in range(10)}
    assert placed == {("http://a:8088/janus", "ws://a:8188/"), ("http://b:8088/janus", "ws://b:8188/")}
    assert instance(SimpleNamespace(pk=7)) == instance(SimpleNamespace(pk=7))  # always the same one


# --- lesson rooms: credentials bound to one room, one lesson window, one participant (issue 8) -----------


class Participant:
    """What a participant's browser does with Janus, over the HTTP API: a session, a VideoRoom handle, a join.

    It sends the token it was given (no platform secret), as janus.js does in a lesson page.
    """

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.bare = JanusClient(url)
        self.session = self.bare._call("", {"janus": "create", "token": token})["data"]["id"]
        self.handle = self.call(f"/{self.session}", {"janus": "attach", "plugin": VIDEOROOM_PLUGIN})["data"][
            "id"
        ]

    def call(self, path: str, payload: dict) -> dict:
        return self.bare._call(path, {**payload, "token": self.token})

    def request(self, body: dict) -> dict:
        """A synchronous VideoRoom request (exists, list, listparticipants)."""
        answer = self.call(f"/{self.session}/{self.handle}", {"janus": "message", "body": body})
        return answer["plugindata"]["data"]

    def leave(self) -> None:
        """Close the session, as a page that is closed or loses its connection."""
        self.call(f"/{self.session}", {"janus": "destroy"})

    def join(self, body: dict) -> dict:
        """An asynchronous ``join``: Janus acks, then the answer comes as an event on the session."""
        self.call(f"/{self.session}/{self.handle}", {"janus": "message", "body": {"request": "join", **body}})
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            event = self.bare._call(f"/{self.session}?maxev=1&token={quote(self.token)}")
            data = (event.get("plugindata") or {}).get("data")
            if data and data.get("videoroom") in ("joined", "event", "attached"):
                return data
        raise AssertionError("no answer to join")


def _start_now(lesson, world, minutes: float = 39):
    """Move ``lesson`` to now (real time: Janus checks token expiry against its own clock) and start it."""
    from django.utils import timezone

    from sanke.live.actions import do_start_lesson
    from sanke.timetable.models import Lesson

    now = timezone.now()
    Lesson.objects.filter(pk=lesson.pk).update(
        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=minutes)
    )
    lesson.refresh_from_db()
    do_start_lesson(lesson, acting_user=world.users["teacher"])
    return lesson


@pytest.fixture
def lessons(world, janus, settings, fresh_probes, django_capture_on_commit_callbacks):
    """Two scheduled lessons of one series (host: the teacher; 龙井's terminal receives both), with the
    platform pointed at the test's Janus. Start one with ``start(lesson)`` (on-commit hooks run)."""
    from sanke.timetable.choices import LessonStatus
    from sanke.timetable.models import Lesson

    settings.SANKE_MEDIA_BACKEND = "janus"
    settings.SANKE_JANUS_URLS = [janus.url]
    settings.SANKE_JANUS_URL = janus.url
    settings.SANKE_JANUS_WS_URLS = [f"ws://127.0.0.1:{janus.ws_port}/"]
    settings.SANKE_JANUS_TOKEN_SECRET = TOKEN_SECRET
    settings.SANKE_JANUS_ADMIN_KEY = ADMIN_KEY
    first = Lesson.objects.get(series__subject="英语", date=dt.date(2026, 11, 24))
    second = (
        Lesson.objects.filter(series=first.series, status=LessonStatus.SCHEDULED)
        .exclude(pk=first.pk)
        .order_by("date")
        .first()
    )

    def start(lesson, minutes: float = 39):
        with django_capture_on_commit_callbacks(execute=True):
            return _start_now(lesson, world, minutes)

    return SimpleNamespace(
        first=first,
        second=second,
        start=start,
        commit=lambda: django_capture_on_commit_callbacks(execute=True),
    )


def _web(user):
    """A Django test client logged in as ``user`` (this module's ``client`` fixture is the Janus client)."""
    from django.test import Client

    web = Client()
    web.force_login(user)
    return web


def _ticket(user, lesson) -> dict:
    response = _web(user).post(f"/live/lessons/{lesson.pk}/media/ticket/")
    assert response.status_code == 200, response.content
    return response.json()


def _room_of(lesson):
    from sanke.live.models import LiveSession

    return LiveSession.objects.filter(pk=lesson.pk).values_list("media_room", flat=True).first()


@pytest.mark.django_db
def test_a_lesson_room_exists_from_the_start_to_the_end_only(lessons, world, janus):
    from sanke.live.actions import do_end_lesson

    client = _web(world.users["teacher"])
    platform = JanusClient(janus.url, token_secret=TOKEN_SECRET, admin_key=ADMIN_KEY)

    def rooms_in_janus() -> set[int]:
        with platform.videoroom() as handle:  # the admin key lists private rooms too
            listed = handle.request({"request": "list", "admin_key": ADMIN_KEY})["list"]
        return {room["room"] for room in listed}

    before = rooms_in_janus()
    # given: the lesson's page opened before the start
    page = client.get(f"/live/lessons/{lessons.first.pk}/")
    assert page.status_code == 200
    config = page.context["live_config"]
    assert config["backend"] == "janus" and "janus" not in config  # no room, no credential on the page
    # then: opening it created no room, and there is no ticket to be had
    assert rooms_in_janus() == before
    assert client.post(f"/live/lessons/{lessons.first.pk}/media/ticket/").status_code == 409

    # when: 开始上课
    lessons.start(lessons.first)
    room = _room_of(lessons.first)
    assert room and room not in before and rooms_in_janus() == before | {room}
    assert room != 100_000 + lessons.first.pk  # not derived from the lesson's number

    # when: 下课
    with lessons.commit():
        do_end_lesson(lessons.first, acting_user=world.users["teacher"])
    # then: the room is gone and no ticket is issued any more
    assert rooms_in_janus() == before
    assert _room_of(lessons.first) is None
    assert client.post(f"/live/lessons/{lessons.first.pk}/media/ticket/").status_code == 409


@pytest.mark.django_db
def test_a_ticket_opens_its_own_lessons_room_and_no_other(lessons, world, janus):
    # given: two lessons live at once, and 龙井's ticket for the first
    lessons.start(lessons.first)
    lessons.start(lessons.second)
    mine = _ticket(world.users["terminal_longjing"], lessons.first)
    other_room = _room_of(lessons.second)
    page = Participant(janus.url, mine["token"])

    # then: the other lesson's room cannot be named: not at its old number, not in the room list
    assert page.request({"request": "exists", "room": 100_000 + lessons.second.pk})["exists"] is False
    assert other_room not in {room["room"] for room in page.request({"request": "list"})["list"]}
    # and even knowing its number, the ticket (token and PIN) does not get in
    refused = page.join({"room": other_room, "ptype": "publisher", "pin": mine["pin"], "token": mine["join"]})
    assert refused.get("error_code") == VIDEOROOM_UNAUTHORIZED
    # while in its own room it does, under the feed id the platform assigned
    joined = Participant(janus.url, mine["token"]).join(
        {
            "room": mine["room"],
            "ptype": "publisher",
            "pin": mine["pin"],
            "token": mine["join"],
            "id": mine["feed"],
        }
    )
    assert joined.get("videoroom") == "joined", joined
    assert joined["id"] == mine["feed"]


@pytest.mark.django_db
def test_a_ticket_stops_working_after_the_lesson_window(lessons, world, janus, monkeypatch):
    from django.utils import timezone

    from sanke.live.media import rooms

    # given: a lesson that ends in a second, and a short margin instead of ten minutes
    monkeypatch.setattr(rooms, "TOKEN_MARGIN", dt.timedelta(seconds=2))
    lessons.start(lessons.first, minutes=1 / 60)
    ticket = _ticket(world.users["teacher"], lessons.first)
    # then: it is valid for the lesson's time plus the margin, no longer
    assert ticket["expires"] <= (lessons.first.ends_at + dt.timedelta(seconds=2)).timestamp()
    assert ticket["expires"] - timezone.now().timestamp() < 10
    Participant(janus.url, ticket["token"])  # works now
    time.sleep(max(ticket["expires"] - time.time(), 0) + 1.5)
    with pytest.raises(JanusError) as raised:
        Participant(janus.url, ticket["token"])
    assert raised.value.code == 403


@pytest.mark.django_db
def test_every_page_gets_its_own_credential_and_a_new_one_revokes_the_old(lessons, world, janus):
    lessons.start(lessons.first)
    host = _ticket(world.users["teacher"], lessons.first)
    terminal = _ticket(world.users["terminal_longjing"], lessons.first)
    # then: one room, but each page its own token and feed id
    assert host["room"] == terminal["room"]
    assert host["token"] != terminal["token"] and host["feed"] != terminal["feed"]

    # when: the host's page reloads (a new ticket)
    again = _ticket(world.users["teacher"], lessons.first)
    assert again["token"] != host["token"] and again["feed"] != host["feed"]
    # then: the old token no longer gets in as a publisher; the new one does
    old = Participant(janus.url, host["token"]).join(
        {"room": host["room"], "ptype": "publisher", "pin": host["pin"], "token": host["join"]}
    )
    assert old.get("error_code") == VIDEOROOM_UNAUTHORIZED
    new = Participant(janus.url, again["token"]).join(
        {
            "room": again["room"],
            "ptype": "publisher",
            "pin": again["pin"],
            "token": again["join"],
            "id": again["feed"],
        }
    )
    assert new["videoroom"] == "joined"


@pytest.mark.django_db
def test_a_terminal_cannot_publish_as_the_host_or_under_an_id_nobody_assigned(lessons, world, janus):
    lessons.start(lessons.first)
    terminal_user = world.users["terminal_longjing"]
    roster_url = f"/live/lessons/{lessons.first.pk}/media/roster/"
    host = _ticket(world.users["teacher"], lessons.first)
    terminal = _ticket(terminal_user, lessons.first)
    join = {
        "room": terminal["room"],
        "ptype": "publisher",
        "pin": terminal["pin"],
        "token": terminal["join"],
    }

    # the host's feed id is named to the others only once the host holds it in the room
    assert str(host["feed"]) not in _web(terminal_user).get(roster_url).json()["roster"]
    hosting = Participant(janus.url, host["token"])
    assert (
        hosting.join(
            {
                "room": host["room"],
                "ptype": "publisher",
                "pin": host["pin"],
                "token": host["join"],
                "id": host["feed"],
                "display": "host",
            }
        )["videoroom"]
        == "joined"
    )
    roster = _web(terminal_user).get(roster_url).json()["roster"]
    assert roster == {str(host["feed"]): "host"}

    # when: the terminal tries to publish under the host's id: Janus refuses a second participant with it
    taken = Participant(janus.url, terminal["token"]).join({**join, "id": host["feed"], "display": "host"})
    assert taken.get("error_code") == VIDEOROOM_ID_EXISTS
    # when: it publishes under an id of its own choosing, calling itself the host
    impostor = Participant(janus.url, terminal["token"]).join({**join, "id": 4242, "display": "host"})
    assert impostor["videoroom"] == "joined"
    # then: the next roster check (any page's, or the sweep) kicks it, and names only the real host
    roster = _web(world.users["teacher"]).get(roster_url).json()["roster"]
    assert roster == {str(host["feed"]): "host"}
    platform = JanusClient(janus.url, token_secret=TOKEN_SECRET)
    assert {p["id"] for p in platform.list_participants(host["room"])} == {host["feed"]}

    # when: the host's page goes away; the next roster check sees it gone and retires its id
    hosting.leave()
    assert _web(terminal_user).get(roster_url).json()["roster"] == {}
    # then: whoever joins under the host's old id is not named the host, and is kicked
    late = Participant(janus.url, terminal["token"]).join({**join, "id": host["feed"], "display": "host"})
    assert late["videoroom"] == "joined"
    assert _web(terminal_user).get(roster_url).json()["roster"] == {}
    assert platform.list_participants(host["room"]) == []


@pytest.mark.django_db
def test_the_sweep_destroys_rooms_of_lessons_that_are_off_air(lessons, world, janus):
    from sanke.live.actions import do_sweep_media_rooms
    from sanke.live.models import LiveSession

    lessons.start(lessons.first)
    room = _room_of(lessons.first)
    platform = JanusClient(janus.url, token_secret=TOKEN_SECRET)
    # given: a lesson closed without its room being destroyed (Janus did not answer at the end)
    LiveSession.objects.filter(pk=lessons.first.pk).update(is_live=False)
    assert platform.exists(room)
    # when
    assert do_sweep_media_rooms() == 1
    # then
    assert not platform.exists(room) and _room_of(lessons.first) is None


@pytest.mark.django_db
def test_only_the_host_side_and_the_receiving_classrooms_get_tickets(lessons, world):
    lessons.start(lessons.first)
    url = f"/live/lessons/{lessons.first.pk}/media/ticket/"
    # the lesson's participants without media (an inspector observing, a student's answer pad): refused
    assert _web(world.users["inspector"]).post(url).status_code == 403
    assert _web(world.users["student"]).post(url).status_code == 403
    # outside the lesson's scope: not found, as if it did not exist
    assert _web(world.users["outsider_admin"]).post(url).status_code == 404
    # a ticket is a state change: not by GET
    assert _web(world.users["teacher"]).get(url).status_code == 405
    assert _web(world.users["teacher"]).post(url).status_code == 200
