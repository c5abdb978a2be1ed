#!/usr/bin/env bash
# Throughput of /api/hello: bare router vs RequestTracingMiddleware vs Hummingbird's built-ins, measured
# in one run (interleaved rounds, median per mode). Server pinned to core 0, wrk to core 1, server stdout
# to /dev/null. Mode `shipped` also streams every line to a trace receiver (memory store, no rate limit)
# running on core 1 beside wrk at idle priority (SCHED_IDLE), so its batches do not preempt wrk and starve
# the server of requests. Then the micro-benchmarks. Usage: Benchmarks/run.sh [seconds-per-run] [rounds]
# SCRATCH_PATH=DIR builds in DIR (so a release build does not wait on a debug build's lock).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
ROUNDS=${2:-3}
CONNECTIONS=${CONNECTIONS:-32}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
SCRATCH=(${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"})
for product in BenchServer BenchMicro trace-receiver; do swift build -c release "${SCRATCH[@]}" --product "$product" >/dev/null; done
BIN=$(swift build -c release "${SCRATCH[@]}" --show-bin-path)
PORT=18990
RECEIVER_PORT=18991
MODES=${MODES:-bare traced shipped builtin}
receiver_pid=
if [[ " $MODES " == *" shipped "* ]]; then
  # At normal priority the receiver, woken by each batch, preempted wrk for a few milliseconds at a time:
  # the server's core then sat idle 4-5% of the run (against 1% bare), which is not the shipper's cost.
  taskset -c 1 chrt --idle 0 "$BIN/trace-receiver" serve --port "$RECEIVER_PORT" --store memory --service-rate 1000000000 --log-level error >/dev/null 2>&1 &
  receiver_pid=$!
  trap 'kill $receiver_pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$RECEIVER_PORT/health" >/dev/null && break; sleep 0.05; done
fi
export TRACE_RECEIVER_URL="http://127.0.0.1:$RECEIVER_PORT"
export TRACE_RECEIVER_SPOOL_DIR="${TMPDIR:-/tmp}/bench-spool-$$"

declare -A results cpu
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for round in $(seq 1 "$ROUNDS"); do
  for mode in $MODES; do
    taskset -c 0 "$BIN/BenchServer" "$mode" "$PORT" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/hello" >/dev/null && break; sleep 0.05; done
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$PORT/api/hello" >/dev/null   # warm-up
    cpu_before=$(cpu_ticks "$pid")
    report=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$PORT/api/hello")
    cpu_after=$(cpu_ticks "$pid")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$report")
    requests=$(awk '/requests in/ {print $1}' <<<"$report")
    # Server CPU time per request (user + system, in µs): steadier than req/s on a VM whose neighbours
    # take cycles, since time the server's core was not running it is not charged to it.
    cpu_us=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
    kill -INT "$pid"; wait "$pid" 2>/dev/null || true
    results[$mode]="${results[$mode]:-} $rps"
    cpu[$mode]="${cpu[$mode]:-} $cpu_us"
    echo "round $round  $mode: $rps req/s, server CPU $cpu_us µs/request"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo
for mode in "${!results[@]}"; do
  printf 'median %-13s %8.0f req/s  %6.2f µs server CPU/request\n' "$mode" "$(echo "${results[$mode]}" | median)" "$(echo "${cpu[$mode]}" | median)"
done
if [[ -n "${results[bare]:-}" && -n "${results[traced]:-}" && -n "${results[builtin]:-}" ]]; then
  awk -v b="$(echo "${results[bare]}" | median)" -v t="$(echo "${results[traced]}" | median)" \
      -v h="$(echo "${results[builtin]}" | median)" 'BEGIN {
    printf "traced / bare    = %.3f   (goal >= 0.90)\n", t / b
    printf "traced / builtin = %.2fx  (goal >= 1.5x)\n", t / h
  }'
fi
for mode in traced shipped; do
  if [[ -n "${cpu[bare]:-}" && -n "${cpu[$mode]:-}" ]]; then
    awk -v b="$(echo "${cpu[bare]}" | median)" -v m="$(echo "${cpu[$mode]}" | median)" -v name="$mode" 'BEGIN {
      printf "%s / bare by server CPU per request = %.3f   (bare %.2f µs, %s %.2f µs)\n", name, b / m, b, name, m
    }'
  fi
done
# Each round runs every mode back to back, so a round's ratio compares runs minutes apart at most; the
# median of those ratios is steadier than the ratio of medians when this VM's speed drifts between rounds.
paired() {  # mode -> median over rounds of (mode req/s / bare req/s)
  paste -d' ' <(echo "${results[$1]}" | tr ' ' '\n' | grep -v '^$') <(echo "${results[bare]}" | tr ' ' '\n' | grep -v '^$') \
    | awk '{print $1 / $2}' | median
}
for mode in traced shipped; do
  if [[ -n "${results[bare]:-}" && -n "${results[$mode]:-}" ]]; then
    printf '%s / bare, median of the per-round ratios = %.3f\n' "$mode" "$(paired "$mode")"
  fi
done
if [[ -n "${results[bare]:-}" && -n "${results[shipped]:-}" ]]; then
  awk -v b="$(echo "${results[bare]}" | median)" -v s="$(echo "${results[shipped]}" | median)" 'BEGIN {
    printf "shipped / bare   = %.3f   (goal >= 0.85)\n", s / b
  }'
  curl -s "http://127.0.0.1:$RECEIVER_PORT/health"; echo
fi
rm -rf "$TRACE_RECEIVER_SPOOL_DIR"
echo
taskset -c 0 "$BIN/BenchMicro" >/dev/null
