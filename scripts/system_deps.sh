#!/usr/bin/env bash
# Install the Debian packages Sanke needs, only those missing. Usage:
#   scripts/system_deps.sh          what `make run` needs (gettext for translations, Node.js/npm for assets);
#                                   Janus (the live-lesson media server) when it can: a failure only prints a
#                                   notice, and live lessons then use peer-to-peer media
#   scripts/system_deps.sh --test   also what the test suite needs (Chromium and CJK fonts for Playwright,
#                                   Janus for the media-server tests), all required
set -euo pipefail

janus_packages=(janus janus-tools libjs-janus-gateway)
# ffmpeg/ffprobe: recordings are probed and transcoded to HLS; CJK fonts and Pango: the PDF term reports
# (WeasyPrint)
packages=(gettext ffmpeg fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0)
optional=()
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
python3 -c 'import ensurepip, venv' 2>/dev/null || packages+=(python3-venv)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium fonts-noto-cjk fonts-liberation poppler-utils "${janus_packages[@]}")
else
  optional+=("${janus_packages[@]}")
fi

missing_of() {
  local package
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || echo "$package"
  done
}
mapfile -t missing < <(missing_of "${packages[@]}")
mapfile -t missing_optional < <(missing_of "${optional[@]}")

# A failed optional install is remembered for a day, so that `make run` on a machine without Janus
# (no network, no sudo, a distribution without the package) does not retry apt-get on every start.
optional_stamp="${SANKE_VAR_DIR:-var}/.janus-install-failed"
if [[ ${#missing_optional[@]} -gt 0 && -n $(find "$optional_stamp" -mmin -1440 2>/dev/null) ]]; then
  echo "system_deps: Janus is not installed (the last attempt failed; delete $optional_stamp to retry);" \
    "live lessons use peer-to-peer media" >&2
  missing_optional=()
fi
[[ ${#missing[@]} -eq 0 && ${#missing_optional[@]} -eq 0 ]] && exit 0

optional_failed() {
  echo "system_deps: could not install ${missing_optional[*]}; live lessons will use peer-to-peer media" \
    "(retried after a day, or at once if you delete $optional_stamp)" >&2
  mkdir -p "$(dirname "$optional_stamp")" && touch "$optional_stamp" || true
}

if ! command -v apt-get >/dev/null 2>&1; then
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "system_deps: please install: ${missing[*]}" >&2
    exit 1
  fi
  optional_failed
  exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
  # Never stop at a password prompt just for an optional package.
  if [[ ${#missing[@]} -eq 0 ]] && ! sudo -n true 2>/dev/null; then
    optional_failed
    exit 0
  fi
fi

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "system_deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  updated=1
fi
if [[ ${#missing_optional[@]} -gt 0 ]]; then
  echo "system_deps: installing ${missing_optional[*]} (optional)"
  if { [[ -n ${updated:-} ]] || $sudo apt-get update -qq; } &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing_optional[@]}" >/dev/null; then
    rm -f "$optional_stamp"
  else
    optional_failed
  fi
fi
