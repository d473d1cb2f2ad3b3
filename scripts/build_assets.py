"""Copy the front-end libraries installed by npm (package.json, exact versions) into sanke/static/vendor.

Nothing third-party is committed: `make assets` runs `npm ci` and then this script. The vendor folder
is git-ignored and rebuilt whenever package-lock.json is newer than it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "sanke" / "static" / "vendor"

# Source maps travel with the files that name them: production's manifest storage refuses a reference to a
# missing file, so collectstatic would fail without them.
FILES = {
    "@tabler/core/dist/css/tabler.min.css": "tabler/tabler.min.css",
    "@tabler/core/dist/css/tabler.min.css.map": "tabler/tabler.min.css.map",
    "@tabler/core/dist/js/tabler.min.js": "tabler/tabler.min.js",
    "@tabler/core/dist/js/tabler.min.js.map": "tabler/tabler.min.js.map",
    "@tabler/icons-webfont/dist/tabler-icons.min.css": "tabler-icons/tabler-icons.min.css",
    "@tabler/icons-webfont/dist/fonts/tabler-icons.woff2": "tabler-icons/fonts/tabler-icons.woff2",
    "@tabler/icons-webfont/dist/fonts/tabler-icons.woff": "tabler-icons/fonts/tabler-icons.woff",
    "@tabler/icons-webfont/dist/fonts/tabler-icons.ttf": "tabler-icons/fonts/tabler-icons.ttf",
    "webrtc-adapter/out/adapter.js": "webrtc-adapter/adapter.js",
    # recordings: the VOD player (an ES module) and the resumable uploader (a classic script, window.tus)
    "hls.js/dist/hls.mjs": "hls.js/hls.mjs",
    "hls.js/dist/hls.mjs.map": "hls.js/hls.mjs.map",
    "tus-js-client/dist/tus.min.js": "tus-js-client/tus.min.js",
    "tus-js-client/dist/tus.min.js.map": "tus-js-client/tus.min.js.map",
    # charts of the indicator dashboards (supervision), imported as an ES module
    "echarts/dist/echarts.esm.min.mjs": "echarts/echarts.esm.min.js",
}
# janus.js comes from Debian's libjs-janus-gateway, so it matches the Janus server version installed with it
# (the npm janus-gateway release is newer than Debian's server). Optional: without Janus, p2p media is used.
SYSTEM_FILES = {"/usr/share/javascript/janus-gateway/janus.js": "janus/janus.js"}


def main() -> int:
    missing = [source for source in FILES if not (MODULES / source).exists()]
    if missing:
        print(f"build_assets: missing {missing}; run `npm ci` first", file=sys.stderr)
        return 1
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for source, target in FILES.items():
        destination = VENDOR / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(MODULES / source, destination)
    copied = len(FILES)
    for source, target in SYSTEM_FILES.items():
        if Path(source).exists():
            (VENDOR / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, VENDOR / target)
            copied += 1
    print(f"build_assets: {copied} files copied to {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
