#!/usr/bin/env bash
# What linking full Foundation costs a process, against FoundationEssentials alone: the same small
# program (JSON, dates, files; then idle) built twice with the Swift runtime linked in statically,
# as the package builds vigil. Prints the stripped size and the idle RSS (VmRSS, and RssAnon, its
# private part) of each, and of a third that formats a date with DateFormatter, which needs ICU.
# vigil cannot drop Foundation (see BENCHMARKS.md, section 6): this says what it would save.
#
#   scripts/foundation-cost.sh     builds in a temporary folder (about 3 minutes here), removes it
set -euo pipefail
work=$(mktemp -d /tmp/vigil-foundation-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT

program() { # $1 name, $2 the import, $3 extra work
  mkdir -p "$work/$1/Sources/$1"
  cat > "$work/$1/Package.swift" <<SWIFT
// swift-tools-version:6.0
import PackageDescription
let package = Package(name: "$1", targets: [.executableTarget(name: "$1")])
SWIFT
  cat > "$work/$1/Sources/$1/main.swift" <<SWIFT
import $2
struct Sample: Codable { var name: String; var at: Date }
let data = try JSONEncoder().encode(Sample(name: "idle", at: Date()))
_ = try JSONDecoder().decode(Sample.self, from: data)
_ = FileManager.default.fileExists(atPath: "/etc/hostname")
$3
// Straight to the descriptor: the reader waits for this line, and stdout is buffered in a pipe.
_ = "ready\n".withCString { write(1, \$0, 6) }
while true { sleep(60) }
SWIFT
}
glibc='#if canImport(Glibc)
import Glibc
#endif'

program essentials FoundationEssentials ""
program foundation Foundation ""
program icu Foundation 'let formatter = DateFormatter(); formatter.dateStyle = .full; formatter.locale = Locale(identifier: "de_DE"); _ = formatter.string(from: Date())'
for name in essentials foundation icu; do
  printf '%s\n' "$glibc" >> "$work/$name/Sources/$name/main.swift"
done

printf '%-12s %-55s %10s %10s %12s\n' program "what it does" "stripped" "VmRSS" "RssAnon"
for name in essentials foundation icu; do
  (cd "$work/$name" && swift build -c release --static-swift-stdlib >"$work/$name.log" 2>&1) || { cat "$work/$name.log" >&2; exit 1; }
  binary="$work/$name/.build/release/$name"
  strip -o "$binary.stripped" "$binary"
  fifo="$work/$name.out"
  mkfifo "$fifo"
  "$binary.stripped" > "$fifo" &
  pid=$!
  read -r _ < "$fifo"  # waits (bounded by the program) until it has done its work
  sleep 1               # not synchronisation: lets the page counts settle before reading them
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  anon=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  case $name in
    essentials) what="import FoundationEssentials: JSON, Date, FileManager" ;;
    foundation) what="import Foundation: the same" ;;
    icu) what="import Foundation: the same + DateFormatter (ICU)" ;;
  esac
  printf '%-12s %-55s %7s KiB %7s KiB %9s KiB\n' "$name" "$what" "$(( $(stat -c %s "$binary.stripped") / 1024 ))" "$rss" "$anon"
done
