#!/usr/bin/env bash
# The benchmarks: installs what is missing, builds Vigil in release mode, runs `vigil-bench`.
#   scripts/bench.sh all            # every figure in BENCHMARKS.md (about 40 minutes)
#   scripts/bench.sh all --quick    # a short smoke run (under 5 minutes once built)
#   scripts/bench.sh recovery       # one benchmark; see `vigil-bench --help`
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then scripts/setup.sh; else scripts/setup.sh || { echo "bench: run 'sudo scripts/setup.sh' first" >&2; exit 1; }; fi
swift build -c release --product vigil
swift build -c release --product vigil-lab
swift build -c release --product vigil-bench
exec "$(swift build -c release --show-bin-path)/vigil-bench" "${@:-all}"
