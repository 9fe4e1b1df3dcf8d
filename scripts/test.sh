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
swift format lint --strict --recursive Sources Tests Package.swift
# The public API of the core and the transports is documented: the same style, plus that rule.
documented=$(mktemp)
trap 'rm -f "$documented"' EXIT
sed 's/"AllPublicDeclarationsHaveDocumentation": false/"AllPublicDeclarationsHaveDocumentation": true/' .swift-format > "$documented"
swift format lint --strict --configuration "$documented" --recursive Sources/VigilCore Sources/VigilHTTP Sources/VigilHosts

swift build --build-tests
swift test --skip-build "$@"
