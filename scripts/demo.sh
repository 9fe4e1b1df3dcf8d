#!/usr/bin/env bash
# The live demo: installs what is missing, builds, and shows `vigil run` failing over on loopback
# (nginx, sshd, a primary, a cold standby, a webhook receiver), then cleans up.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then scripts/setup.sh; else scripts/setup.sh || { echo "demo: run 'sudo scripts/setup.sh' first" >&2; exit 1; }; fi
swift build --product vigil
swift build --product vigil-lab
exec "$(swift build --show-bin-path)/vigil-lab" demo "$@"
