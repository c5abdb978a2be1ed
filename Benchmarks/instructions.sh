#!/usr/bin/env bash
# Instructions per operation of one BenchMicro benchmark, counted exactly under callgrind: BenchMicro runs
# with BENCH_ONLY=NAME at two iteration scales, and the difference in instructions is divided by the
# difference in operations, so start-up and the other sections cancel out. Timings on a shared VM drift by
# tens of percent between runs; instruction counts do not (the synchronous benchmarks only: the in-process
# /api/hello loops start threads valgrind cannot follow).
# Usage: Benchmarks/instructions.sh NAME ITERATIONS [BenchMicro binary, default: this checkout's release build]
#   NAME: a benchmark name as BenchMicro prints it, or a part of it naming only that benchmark;
#   ITERATIONS: its iteration count in Benchmarks/Sources/BenchMicro/main.swift (it runs 7.1 × that).
# Example: Benchmarks/instructions.sh "JSON line (discarding)" 300000
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=$1
ITERATIONS=$2
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
if [[ -n "${3:-}" ]]; then
  SOURCE=$3
else
  SCRATCH=(${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"})
  swift build -c release "${SCRATCH[@]}" --product BenchMicro >/dev/null
  SOURCE=$(swift build -c release "${SCRATCH[@]}" --show-bin-path)/BenchMicro
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# valgrind cannot read the DWARF this toolchain writes; symbols are enough.
cp "$SOURCE" "$WORK/BenchMicro" && strip -g "$WORK/BenchMicro"
# Swift seeds Hasher per process, so a dictionary's probes (a log call's metadata literal, say) differ from
# run to run by a few hundred instructions; a fixed seed makes the count the same every time.
total() {  # scale -> instructions of the whole run
  SWIFT_DETERMINISTIC_HASHING=1 BENCH_ONLY="$NAME" BENCH_ITERATIONS_SCALE=$1 valgrind --tool=callgrind --callgrind-out-file="$WORK/out.$1" \
    "$WORK/BenchMicro" >/dev/null 2>&1
  awk '/^totals:/ {print $2}' "$WORK/out.$1"
}
low=$(total 0.01)
high=$(total 0.02)
awk -v a="$low" -v b="$high" -v n="$ITERATIONS" -v name="$NAME" \
  'BEGIN {printf "%s: %.0f instructions per operation\n", name, (b - a) / (7.1 * n * 0.01)}'
