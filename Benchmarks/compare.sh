#!/usr/bin/env bash
# Side-by-side A/B of two BenchServer builds (or two modes): both served at the same time on core 0, each
# by its own wrk on core 1, as run.sh's capacity phase does for bare and each mode. Prints each round's
# capacity ratio B / A (requests per second of the server's own CPU time) and their median. Use it to
# measure a change: keep a copy of the old binary, rebuild, and compare old against new (then new
# against old, to see the sign hold). On this VM an A/A run spreads about ±2% per round around 1.00.
# Usage: Benchmarks/compare.sh BINARY_A:MODE_A BINARY_B:MODE_B [rounds, default 7] [seconds, default 3]
# Mode `shipped` streams to a receiver this script starts on core 1 at idle priority; mode
# `shipped-nowhere` ships to a closed port (the spool only).
set -euo pipefail
[[ $# -ge 2 ]] || { sed -n '2,9p' "$0"; exit 2; }
A=$1 B=$2 ROUNDS=${3:-7} SECONDS_PER_ROUND=${4:-3}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cd "$(dirname "$0")/.."
source Benchmarks/side-by-side.sh
RECEIVER_PORT=18979
require_free_ports "$RECEIVER_PORT" 18977 18978
WORK=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

if [[ "$A $B" == *":shipped"* ]]; then
  receiver=$(swift build -c release ${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"} --show-bin-path)/trace-receiver
  [[ -x $receiver ]] || swift build -c release ${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"} --product trace-receiver >/dev/null
  start_receiver "$receiver" "$RECEIVER_PORT"
  pids+=("$RECEIVER_PID")
fi

start() {  # BINARY:MODE PORT -> pid
  local binary=${1%:*} mode=${1##*:} url="http://127.0.0.1:$RECEIVER_PORT"
  [[ $mode == shipped-nowhere ]] && { mode=shipped; url="http://127.0.0.1:9"; }
  TRACE_RECEIVER_URL=$url TRACE_RECEIVER_SPOOL_DIR="$WORK/spool-$2" taskset -c 0 "$binary" "$mode" "$2" >/dev/null 2>&1 &
  echo $!
}
pid_a=$(start "$A" 18977); pids+=("$pid_a")
pid_b=$(start "$B" 18978); pids+=("$pid_b")
for port in 18977 18978; do
  wait_for "http://127.0.0.1:$port/api/hello"
  taskset -c 1 wrk -t1 -c16 -d1s "http://127.0.0.1:$port/api/hello" >/dev/null   # warm-up
done

ratios=()
for round in $(seq 1 "$ROUNDS"); do
  ratio=$(capacity_ratio "$pid_a" 18977 "$pid_b" 18978 "$SECONDS_PER_ROUND" 16)
  ratios+=("$ratio")
  echo "round $round: B / A capacity $ratio"
done
printf 'median B / A = %.3f  (%d rounds, %s-%s)\n' "$(echo "${ratios[*]}" | median)" "${#ratios[@]}" \
  "$(printf '%s\n' "${ratios[@]}" | sort -n | head -1)" "$(printf '%s\n' "${ratios[@]}" | sort -n | tail -1)"
