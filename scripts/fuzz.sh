#!/usr/bin/env bash
# Fuzzes one of Vigil's parsers with libFuzzer (coverage-guided, with AddressSanitizer).
#   scripts/fuzz.sh TARGET [SECONDS]     TARGET: config, upstream, control, retry-after, known-hosts, duration
# The seed corpus is Tests/FuzzCorpus/TARGET (in git); what the fuzzer adds goes to
# .build-fuzz/corpus/TARGET and a crash to .build-fuzz/crashes/ (both ignored by git). Replay a
# crash with: .build-fuzz/debug/vigil-fuzz is the fuzzer; `swift run vigil-fuzz TARGET FILE`
# replays without it. Every crash found becomes a unit test. Runs outside CI.
set -euo pipefail
cd "$(dirname "$0")/.."

targets="config upstream control retry-after known-hosts duration"
target=${1:-}
seconds=${2:-600}
if [ -z "$target" ] || ! grep -qw -- "$target" <<<"$targets"; then
  echo "usage: scripts/fuzz.sh TARGET [SECONDS]; TARGET is one of: $targets" >&2
  exit 64
fi
[ -d "Tests/FuzzCorpus/$target" ] || { echo "fuzz: no seed corpus at Tests/FuzzCorpus/$target" >&2; exit 66; }

scripts/setup.sh >/dev/null
swift build --product vigil-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
binary=.build-fuzz/debug/vigil-fuzz
[ -x "$binary" ] || { echo "fuzz: the fuzzer did not build" >&2; exit 1; }

mkdir -p ".build-fuzz/corpus/$target" .build-fuzz/crashes
echo "fuzz: $target for ${seconds}s"
VIGIL_FUZZ_TARGET="$target" "$binary" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix=".build-fuzz/crashes/$target-" \
  ".build-fuzz/corpus/$target" "Tests/FuzzCorpus/$target"
