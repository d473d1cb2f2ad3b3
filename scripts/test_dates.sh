#!/usr/bin/env bash
# Run the test suite (or part of it) on several dates, to prove that no test depends on the day it runs.
#
#   scripts/test_dates.sh                          # the whole suite on each date below
#   scripts/test_dates.sh -m "not browser"         # pytest arguments are passed on
#   SANKE_TEST_DATES="2026-12-05 10:00" scripts/test_dates.sh sanke/live
#
# Dates are school time (Asia/Shanghai). The defaults: a lesson day during the demo's English lesson
# (Tuesday 09:50-10:30), a weekend, a holiday of the demo term, and a day after the term (2026-09-01 to
# 2027-01-22).
#
# libfaketime (Debian package libfaketime, installed here if missing) shifts the wall clock of pytest and
# of every process it starts (uvicorn, Celery, Janus, Playwright's driver and Chromium) by the same offset
# (FAKETIME="+N"/"-N" seconds, not "@date": with "@" each process would start its clock afresh), so all of
# them agree and time still runs. What we found with Debian's libfaketime 0.9.10 and Python 3.11:
# - the monotonic clock must stay real (FAKETIME_DONT_FAKE_MONOTONIC=1): faked, it reads like the wall
#   clock, and a lock or queue wait with a timeout (sem_clockwait on CLOCK_MONOTONIC, which libfaketime
#   does not intercept) then waits for decades, i.e. hangs;
# - with the monotonic clock real, libfaketime still shifts the deadline of an absolute
#   clock_nanosleep(CLOCK_MONOTONIC) (its bug #426, fixed upstream after 0.9.10): Python 3.11's
#   time.sleep() fails with EINVAL for a date in the past and oversleeps for one in the future. A small
#   preload built here (gcc) passes monotonic sleeps straight to the kernel, ahead of libfaketime.
# Chromium, its renderers and Playwright's driver need nothing else (--no-sandbox is set already).
# Each date's output goes to $SANKE_VAR_DIR/test-dates/<date>.log; the summary is printed at the end.
set -uo pipefail
cd "$(dirname "$0")/.."

LIBFAKETIME=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
DEFAULT_DATES=("2026-11-24 10:00" "2026-12-05 10:00" "2026-10-02 10:00" "2027-03-10 10:00")
LOCK=${SANKE_TEST_LOCK:-/tmp/sanke-heavy.lock}  # the machine's lock for heavy jobs (tests, benchmarks)
export SANKE_VAR_DIR=${SANKE_VAR_DIR:-$PWD/var/test-dates}

if [ ! -e "$LIBFAKETIME" ]; then
  echo "installing libfaketime" >&2
  apt-get install -y -qq libfaketime >/dev/null || { apt-get update -qq && apt-get install -y -qq libfaketime; } \
    || { echo "libfaketime could not be installed" >&2; exit 2; }
fi

mkdir -p "$SANKE_VAR_DIR/test-dates"
SLEEP_FIX="$SANKE_VAR_DIR/test-dates/monotonic_sleep.so"
if [ ! -e "$SLEEP_FIX" ]; then
  command -v gcc >/dev/null || apt-get install -y -qq gcc libc6-dev >/dev/null \
    || { echo "gcc is needed to build the sleep fix" >&2; exit 2; }
  gcc -shared -fPIC -O2 -x c -o "$SLEEP_FIX" - -ldl <<'C' || exit 2
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
/* Monotonic sleeps go to the kernel unchanged (the monotonic clock is not faked); others to libfaketime. */
int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem) {
  static int (*next)(clockid_t, int, const struct timespec *, struct timespec *);
  if (clock == CLOCK_MONOTONIC || clock == CLOCK_MONOTONIC_RAW || clock == CLOCK_BOOTTIME)
    return syscall(SYS_clock_nanosleep, clock, flags, req, rem) == 0 ? 0 : errno;
  if (!next) next = dlsym(RTLD_NEXT, "clock_nanosleep");
  return next(clock, flags, req, rem);
}
C
fi

if [ -n "${SANKE_TEST_DATES:-}" ]; then
  IFS=',' read -r -a DATES <<<"$SANKE_TEST_DATES"
else
  DATES=("${DEFAULT_DATES[@]}")
fi

summary=()
failed=0
for moment in "${DATES[@]}"; do
  target=$(TZ=Asia/Shanghai date -d "$moment" +%s) || { echo "not a date: $moment" >&2; exit 2; }
  log="$SANKE_VAR_DIR/test-dates/$(echo "$moment" | tr ' :' '_-').log"
  echo "=== $moment (Asia/Shanghai): pytest $*" | tee "$log"
  started=$(date +%s)
  # the offset is taken once the lock is held, so waiting for it does not move the date
  # shellcheck disable=SC2016  # expanded by the inner shell
  flock "$LOCK" bash -c '
    target=$1 lib=$2; shift 2
    offset=$((target - $(date +%s)))
    [ "$offset" -ge 0 ] && offset="+$offset"
    export LD_PRELOAD=$lib FAKETIME=$offset FAKETIME_DONT_FAKE_MONOTONIC=1
    python=.venv/bin/python
    $python -c "import time; time.sleep(0.01)" || { echo "time.sleep fails under libfaketime" >&2; exit 2; }
    echo "clock offset $offset s; the faked clock reads $(TZ=Asia/Shanghai date "+%Y-%m-%d %H:%M %a")"
    exec $python -m pytest -q "$@"
  ' test-dates "$target" "$SLEEP_FIX:$LIBFAKETIME" "$@" 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
  result=$(grep -E '^[0-9]+ (passed|failed|error)|^=+ .*(passed|failed|error)' "$log" | tail -1 | tr -d '=')
  summary+=("$moment  exit $status  $(($(date +%s) - started)) s  ${result:-(no result line)}")
  [ "$status" -eq 0 ] || failed=1
done

echo
echo "=== test dates (logs in $SANKE_VAR_DIR/test-dates)"
printf '%s\n' "${summary[@]}"
exit "$failed"
