#!/usr/bin/env bash
# Line coverage of the pure core (VigilCore) by its own tests, as llvm-cov reports it.
set -euo pipefail
cd "$(dirname "$0")/.."
swift test --enable-code-coverage --filter VigilCoreTests
llvm_cov="$(dirname "$(readlink -f "$(command -v swift)")")/llvm-cov"
bin="$(swift build --show-bin-path)"
"$llvm_cov" report "$bin/vigilPackageTests.xctest" -instr-profile="$bin/codecov/default.profdata" Sources/VigilCore/*.swift
