#!/usr/bin/env bash
# Writes vigil(1) into FOLDER from the CLI's own help, with swift-argument-parser's generate-manual
# tool run on the given vigil binary (default: the debug build). Empty lines are dropped: groff
# warns about them and they carry nothing in mdoc.
#
#   scripts/manpage.sh FOLDER [VIGIL_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/manpage.sh FOLDER [VIGIL_BINARY]" >&2; exit 64; }
folder=$1
binary=${2:-"$(swift build --show-bin-path)/vigil"}
swift build --product generate-manual >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-man-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$(swift build --show-bin-path)/generate-manual" "$binary" --authors "the Vigil authors" --output-directory "$work" >/dev/null
grep -q '^.Dt VIGIL 1' "$work/vigil.1" || { echo "manpage: $work/vigil.1 is not vigil(1)" >&2; exit 1; }
mkdir -p "$folder"
sed '/^$/d' "$work/vigil.1" > "$folder/vigil.1"
