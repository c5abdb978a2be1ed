#!/usr/bin/env bash
# Per-request counts for /api/hello in process (BenchMicro's Hummingbird responder), bare and with
# RequestTracingMiddleware: heap allocations (calls to malloc) and Swift executor switches (calls to
# swift_task_switch), counted exactly with perf uprobes. Timings on a shared VM drift by tens of percent
# between runs; these counts do not, so they show whether a change to the middleware removed work.
# Needs perf and the right to add uprobes (root). Usage: Benchmarks/counts.sh [scale, default 0.1]
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-0.1}
SCRATCH=(${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"})
swift build -c release "${SCRATCH[@]}" --product BenchMicro >/dev/null
BIN=$(swift build -c release "${SCRATCH[@]}" --show-bin-path)/BenchMicro
source Benchmarks/uprobes.sh
trap remove_uprobes EXIT
add_uprobe "$BIN" libc.so malloc
add_uprobe "$BIN" libswift_Concurrency.so swift_task_switch
MALLOC=${UPROBES[0]}
SWITCH=${UPROBES[1]}

# BenchMicro runs each /api/hello loop 9 times, 100,000 × scale requests each; "traced" names two loops
# (the line discarded, the line to stdout).
count() {  # mode loops -> "mallocs switches" per request
  local out requests
  out=$(BENCH_ONLY="/api/hello $1" BENCH_ITERATIONS_SCALE=$SCALE perf stat -x, -e "$MALLOC" -e "$SWITCH" "$BIN" 2>&1 >/dev/null)
  requests=$(awk -v s="$SCALE" -v l="$2" 'BEGIN {print 9 * int(100000 * s) * l}')
  awk -F, -v n="$requests" '/probe_libc:malloc/ {m = $1} /swift_task_switch/ {t = $1} END {printf "%.2f %.2f", m / n, t / n}' <<<"$out"
}
read -r bare_m bare_s <<<"$(count bare 1)"
read -r unlogged_m unlogged_s <<<"$(count unlogged 1)"
read -r traced_m traced_s <<<"$(count traced 2)"
echo "/api/hello in process, per request (exact counts; includes the loop's own per-request logger and context):"
printf "  %-34s %8s %15s\n" "" "mallocs" "task switches"
printf "  %-34s %8s %15s\n" "bare router" "$bare_m" "$bare_s"
printf "  %-34s %8s %15s\n" "RequestTracingMiddleware, no line" "$unlogged_m" "$unlogged_s"
printf "  %-34s %8s %15s\n" "RequestTracingMiddleware, 1 line" "$traced_m" "$traced_s"
