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
RECEIVER_PORT=18979
WORK=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

if [[ "$A $B" == *":shipped"* ]]; then
  receiver=$(swift build -c release ${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"} --show-bin-path)/trace-receiver
  [[ -x $receiver ]] || swift build -c release ${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"} --product trace-receiver >/dev/null
  taskset -c 1 chrt --idle 0 "$receiver" serve --port "$RECEIVER_PORT" --store memory --service-rate 1000000000 --log-level error >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$RECEIVER_PORT/health" >/dev/null && break; sleep 0.05; done
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
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/hello" >/dev/null && break; sleep 0.05; done
  taskset -c 1 wrk -t1 -c16 -d1s "http://127.0.0.1:$port/api/hello" >/dev/null   # warm-up
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ratios=()
for round in $(seq 1 "$ROUNDS"); do
  a0=$(ticks "$pid_a"); b0=$(ticks "$pid_b")
  taskset -c 1 wrk -t1 -c16 -d"${SECONDS_PER_ROUND}s" http://127.0.0.1:18977/api/hello > "$WORK/a.txt" &
  wrk_a=$!
  taskset -c 1 wrk -t1 -c16 -d"${SECONDS_PER_ROUND}s" http://127.0.0.1:18978/api/hello > "$WORK/b.txt"
  wait "$wrk_a"
  a1=$(ticks "$pid_a"); b1=$(ticks "$pid_b")
  ratio=$(awk -v na="$(awk '/requests in/ {print $1}' "$WORK/a.txt")" -v nb="$(awk '/requests in/ {print $1}' "$WORK/b.txt")" \
    -v ca=$((a1 - a0)) -v cb=$((b1 - b0)) 'BEGIN {printf "%.3f", (nb / cb) / (na / ca)}')
  ratios+=("$ratio")
  echo "round $round: B / A capacity $ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median B / A = %.3f  (%d rounds, %.3f-%.3f)\n", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), NR, a[1], a[NR]}'
