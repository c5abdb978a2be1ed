#!/usr/bin/env bash
# Throughput of /api/hello: bare router vs RequestTracingMiddleware vs Hummingbird's built-ins, measured
# in one run. Every mode's server runs at once (all pinned to core 0, stdout to /dev/null), and wrk (on
# core 1) measures them in turn in short slices, in a fresh random order each round: this VM's speed
# drifts by tens of percent over seconds to minutes, and slices of every mode taken seconds apart see the
# same drift, which a run of each mode minutes apart did not. An idle server costs the measured one
# nothing (its event loops wait in epoll). Mode `shipped` also streams every line to a trace receiver
# (memory store, no rate limit) running on core 1 beside wrk at idle priority (SCHED_IDLE), so its batches
# do not preempt wrk and starve the server of requests. Then capacity side by side (see
# Benchmarks/side-by-side.sh), which this VM's drift does not disturb, and the micro-benchmarks.
# Usage: Benchmarks/run.sh [seconds-per-slice, default 2] [rounds, default 15]
#   CAPACITY_ROUNDS (default 7) and CAPACITY_DURATION (seconds, default 3) size the side-by-side phase.
# SCRATCH_PATH=DIR builds in DIR (so a release build does not wait on a debug build's lock).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/side-by-side.sh
DURATION=${1:-2}
ROUNDS=${2:-15}
CONNECTIONS=${CONNECTIONS:-32}
CAPACITY_ROUNDS=${CAPACITY_ROUNDS:-7}
CAPACITY_DURATION=${CAPACITY_DURATION:-3}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
SCRATCH=(${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"})
for product in BenchServer BenchMicro trace-receiver; do swift build -c release "${SCRATCH[@]}" --product "$product" >/dev/null; done
BIN=$(swift build -c release "${SCRATCH[@]}" --show-bin-path)
FIRST_PORT=18990
RECEIVER_PORT=18989
MODES=${MODES:-bare traced shipped builtin}
mode_count=$(wc -w <<<"$MODES")
require_free_ports "$RECEIVER_PORT" $(seq "$FIRST_PORT" $((FIRST_PORT + mode_count - 1)))
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "${TRACE_RECEIVER_SPOOL_DIR:-}"; }
trap cleanup EXIT
if [[ " $MODES " == *" shipped "* ]]; then
  start_receiver "$BIN/trace-receiver" "$RECEIVER_PORT"
  pids+=("$RECEIVER_PID")
fi
export TRACE_RECEIVER_URL="http://127.0.0.1:$RECEIVER_PORT"
export TRACE_RECEIVER_SPOOL_DIR="${TMPDIR:-/tmp}/bench-spool-$$"

declare -A port pid results cpu
next_port=$FIRST_PORT
for mode in $MODES; do
  port[$mode]=$next_port
  next_port=$((next_port + 1))
  taskset -c 0 "$BIN/BenchServer" "$mode" "${port[$mode]}" >/dev/null 2>&1 &
  pid[$mode]=$!
  pids+=($!)
done
for mode in $MODES; do
  wait_for "http://127.0.0.1:${port[$mode]}/api/hello"
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:${port[$mode]}/api/hello" >/dev/null   # warm-up
done

for round in $(seq 1 "$ROUNDS"); do
  line="round $round:"
  for mode in $(tr ' ' '\n' <<<"$MODES" | grep -v '^$' | shuf); do
    cpu_before=$(cpu_ticks "${pid[$mode]}")
    report=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:${port[$mode]}/api/hello")
    cpu_after=$(cpu_ticks "${pid[$mode]}")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$report")
    requests=$(awk '/requests in/ {print $1}' <<<"$report")
    # Server CPU time per request (user + system, in µs): steadier than req/s on a VM whose neighbours
    # take cycles, since time the server's core was not running it is not charged to it.
    cpu_us=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
    results[$mode]="${results[$mode]:-} $rps"
    cpu[$mode]="${cpu[$mode]:-} $cpu_us"
    line+=$(printf '  %s %.0f req/s (%s µs)' "$mode" "$rps" "$cpu_us")
  done
  echo "$line"
done

# Capacity, measured side by side: bare and one other mode served at the same time (capacity_ratio).
declare -A capacity
[[ " $MODES " == *" bare "* ]] || CAPACITY_ROUNDS=0
for round in $(seq 1 "$CAPACITY_ROUNDS"); do
  for mode in $MODES; do
    [[ $mode == bare ]] && continue
    ratio=$(capacity_ratio "${pid[bare]}" "${port[bare]}" "${pid[$mode]}" "${port[$mode]}" "$CAPACITY_DURATION" $((CONNECTIONS / 2)))
    capacity[$mode]="${capacity[$mode]:-} $ratio"
  done
done
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
# Each round measures every mode within seconds, so a round's ratio compares slices that saw nearly the
# same machine; the median of those ratios is steadier than the ratio of medians when this VM's speed
# drifts between rounds. The range (lowest and highest round) shows how much a single round can mislead.
ratios() {  # mode -> each round's (mode req/s / bare req/s)
  paste -d' ' <(echo "${results[$1]}" | tr ' ' '\n' | grep -v '^$') <(echo "${results[bare]}" | tr ' ' '\n' | grep -v '^$') \
    | awk '{print $1 / $2}'
}
for mode in traced shipped; do
  if [[ -n "${results[bare]:-}" && -n "${results[$mode]:-}" ]]; then
    printf '%s / bare, median of the per-round ratios = %.3f  (rounds range %.3f-%.3f)\n' "$mode" \
      "$(ratios "$mode" | median)" "$(ratios "$mode" | sort -n | head -1)" "$(ratios "$mode" | sort -n | tail -1)"
  fi
done
if [[ -n "${results[bare]:-}" && -n "${results[shipped]:-}" ]]; then
  awk -v b="$(echo "${results[bare]}" | median)" -v s="$(echo "${results[shipped]}" | median)" 'BEGIN {
    printf "shipped / bare   = %.3f   (goal >= 0.85)\n", s / b
  }'
fi
(( CAPACITY_ROUNDS > 0 )) && echo && echo "capacity side by side (median of $CAPACITY_ROUNDS rounds of ${CAPACITY_DURATION} s; each round's ratio listed):"
for mode in $MODES; do
  [[ $mode == bare || -z "${capacity[$mode]:-}" ]] && continue
  goal=; [[ $mode == traced ]] && goal="goal >= 0.90; "; [[ $mode == shipped ]] && goal="goal >= 0.85; "
  printf '  %-8s / bare = %.3f  (%srounds:%s)\n' "$mode" "$(echo "${capacity[$mode]}" | median)" "$goal" "${capacity[$mode]}"
done
if [[ -n "${capacity[traced]:-}" && -n "${capacity[builtin]:-}" ]]; then
  awk -v t="$(echo "${capacity[traced]}" | median)" -v h="$(echo "${capacity[builtin]}" | median)" 'BEGIN {
    printf "  traced / builtin = %.2fx  (goal >= 1.5x)\n", t / h
  }'
fi
if [[ -n "${results[shipped]:-}" ]]; then
  curl -s "http://127.0.0.1:$RECEIVER_PORT/health"; echo
fi
echo
taskset -c 0 "$BIN/BenchMicro" >/dev/null
