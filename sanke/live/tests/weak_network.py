"""A receiving classroom on a starved village uplink, p2p on loopback inside a private network namespace.

After media flows, ``lo`` is capped with a token bucket (tc tbf; the kernel here has no netem): audio must
keep going, video gives way, and the host's page marks that classroom as struggling. Prints one JSON line.

Run by the test as: unshare -n python -m sanke.live.tests.weak_network
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from sanke.live.tests.janus_lesson import WEB_PORT, cookies_for, demo_lesson, open_pages, serve
from sanke.testing.browser import wait_until

AUDIO_AND_VIDEO = """(key) => (async () => {
  const pc = window.sankeLive.peers[key];
  const out = { audio: 0, frames: 0 };
  if (!pc) return out;
  (await pc.getStats()).forEach((r) => {
    if (r.type === "inbound-rtp" && r.kind === "audio") out.audio = r.totalSamplesReceived || 0;
    if (r.type === "inbound-rtp" && r.kind === "video") out.frames = r.framesDecoded || 0;
  });
  return out;
})()"""


def sample(page, key, seconds):
    first = page.evaluate(AUDIO_AND_VIDEO, key)
    time.sleep(seconds)
    last = page.evaluate(AUDIO_AND_VIDEO, key)
    return {
        "audio_per_s": (last["audio"] - first["audio"]) / seconds,
        "fps": (last["frames"] - first["frames"]) / seconds,
    }


def main() -> int:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    env, world, lesson, extra = demo_lesson(backend="p2p")
    with serve(env) as base:
        from playwright.sync_api import sync_playwright

        room = world.classrooms["longjing"].pk
        key = f"classroom-{room}"
        cookies = cookies_for(
            {"host": world.users["teacher"], "longjing": world.users["terminal_longjing"]}, base
        )
        with sync_playwright() as playwright:
            browser, pages = open_pages(playwright, base, lesson, cookies)
            host = pages["host"]
            host.click("[data-action=start]")
            wait_until(host, f"window.sankeLive.peers['{key}'] !== undefined", timeout=30000)
            time.sleep(8)  # let media settle at full rate
            before = sample(host, key, 5)
            # the village uplink collapses: 160 kbit/s in total for both directions on lo
            subprocess.run(
                "tc qdisc add dev lo root tbf rate 160kbit burst 16kbit latency 200ms".split(), check=True
            )
            time.sleep(12)  # congestion control adapts
            after = sample(host, key, 8)
            badge = host.evaluate(
                '(room) => document.querySelector(`[data-classroom="${room}"] [data-quality]`).className',
                room,
            )
            browser.close()
    print(json.dumps({"before": before, "after": after, "badge": badge, "port": WEB_PORT}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
