#!/usr/bin/env bash
# The one test command: installs what is missing, builds, and runs the whole suite
# (unit tests and the integration tests against real nginx, sshd and HTTP servers on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
  scripts/setup.sh
else
  scripts/setup.sh || { echo "test: run 'sudo scripts/setup.sh' first" >&2; exit 1; }
fi

# The core is pure: the standard library only (DESIGN.md).
if grep -rnE '^\s*(@testable )?import ' Sources/VigilCore; then
  echo "test: VigilCore must import nothing but the standard library" >&2
  exit 1
fi

# One style, kept by the toolchain's formatter (.swift-format); `swift format --in-place --recursive
# Sources Tests Package.swift` fixes most findings.
swift format lint --strict --recursive Sources Tests Plugins Package.swift
# The public API of the core and the transports is documented: the same style, plus that rule.
documented=$(mktemp)
trap 'rm -f "$documented"' EXIT
sed 's/"AllPublicDeclarationsHaveDocumentation": false/"AllPublicDeclarationsHaveDocumentation": true/' .swift-format > "$documented"
swift format lint --strict --configuration "$documented" --recursive Sources/VigilCore Sources/VigilHTTP Sources/VigilHosts

swift build --build-tests
# The man page comes from the CLI's own help, as the package makes it.
manual=$(mktemp -d "${TMPDIR:-/tmp}/vigil-test-man-XXXXXX")
scripts/manpage.sh "$manual"
rm -rf "$manual"

# Every process the tests start carries this run's marker (inherited, or as --lab-run for what
# starts through sshd); whatever still carries it after the tests is a leak, named and failed.
run=$(cat /proc/sys/kernel/random/uuid)
status=0
# At most this many tests at once: the end-to-end tests each start nginx, sshd, backends and an
# agent, and on two cores all of them at once starve each other past their deadlines.
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${VIGIL_TEST_WIDTH:-6}"
VIGIL_LAB_RUN="$run" swift test --skip-build "$@" || status=$?

survivors=""
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  survivors=""
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    # A process may end while it is read: its files vanish, which is no survivor.
    if { tr '\0' '\n' < "$proc/environ" | grep -qx "VIGIL_LAB_RUN=$run"; } 2>/dev/null \
      || { tr '\0' ' ' < "$proc/cmdline" | grep -q -- "--lab-run $run"; } 2>/dev/null; then
      survivors+="  $pid: $( { tr '\0' ' ' < "$proc/cmdline"; } 2>/dev/null)"$'\n'
    fi
  done
  [ -z "$survivors" ] && break
  sleep 0.5  # a test's last teardown may still be ending its processes
done
if [ -n "$survivors" ]; then
  printf 'test: processes the tests started are still running:\n%s' "$survivors" >&2
  exit 1
fi
exit "$status"
