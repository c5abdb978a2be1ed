#!/usr/bin/env bash
# Receiver benchmarks, release build: ingest throughput into memory and SQLite (receiver pinned to
# core 0, one client process on core 1; then both unpinned, sharing the two cores; then eight clients'
# small batches into SQLite), the stores' own time per record appended, trace-by-id and
# search latency at 1,000,000 stored records (SQLite, then the hot buffer), hot-buffer memory per record
# under a flood, and the ns per captured line parsed (run, tail) against our own records' JSON.
# Usage: Benchmarks/receiver.sh [seconds] [records]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
RECORDS=${2:-1000000}
CONNECTIONS=${CONNECTIONS:-1}
# SCRATCH_PATH=dir builds outside .build (so a concurrent debug build is not blocked by SwiftPM's lock).
BUILD=(-c release ${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"})
swift build "${BUILD[@]}" --product trace-receiver >/dev/null
swift build "${BUILD[@]}" --product BenchReceiver >/dev/null
BIN=$(swift build "${BUILD[@]}" --show-bin-path)
PORT=17990
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

start_receiver() {  # store [cores, default 0]
  taskset -c "${2:-0}" "$BIN/trace-receiver" serve --port "$PORT" --store "$1" --log-level warning >"$WORK/receiver.log" 2>&1 &
  RECEIVER=$!
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && return; sleep 0.05; done
  echo "receiver did not start"; cat "$WORK/receiver.log"; exit 1
}
stop_receiver() { kill -INT "$RECEIVER"; wait "$RECEIVER" 2>/dev/null || true; }

ingest_both_stores() {  # LABEL RECEIVER_CORES CLIENT_CORES CONNECTIONS [ndjson|otlp]
  for store in memory sqlite; do
    dir=$([[ $store == memory ]] && echo memory || echo "$WORK/ingest-db-$2")
    start_receiver "$dir" "$2"
    taskset -c "$3" "$BIN/BenchReceiver" ingest "http://127.0.0.1:$PORT" 2 "$4" "${5:-ndjson}" >/dev/null  # warm-up
    echo -n "[$store$1] "; taskset -c "$3" "$BIN/BenchReceiver" ingest "http://127.0.0.1:$PORT" "$SECONDS_PER_RUN" "$4" "${5:-ndjson}"
    stop_receiver
  done
}
ingest_both_stores "" 0 1 "$CONNECTIONS"
# The same records exported by an OpenTelemetry SDK: OTLP protobuf to /v1/logs.
ingest_both_stores ", OTLP" 0 1 "$CONNECTIONS" otlp
# The whole machine: the receiver and the one client sharing both cores, the client over two
# connections so that one batch is decoded while the other's answer travels.
ingest_both_stores ", both cores shared with the client" 0,1 0,1 2
# Many small batches at once (eight services streaming 50 records a batch), into SQLite, which writes the
# batches that arrive during a transaction together in the next one.
start_receiver "$WORK/ingest-db-small"
taskset -c 1 "$BIN/BenchReceiver" ingest "http://127.0.0.1:$PORT" 2 8 ndjson batch=50 >/dev/null  # warm-up
echo -n "[sqlite, 8 connections, small batches] "; taskset -c 1 "$BIN/BenchReceiver" ingest "http://127.0.0.1:$PORT" "$SECONDS_PER_RUN" 8 ndjson batch=50
stop_receiver
# The stores' own share of a record's ingest: append alone, in this process, without HTTP or decoding.
taskset -c 0 "$BIN/BenchReceiver" store-floor 300000

echo "populating $RECORDS records…"
"$BIN/BenchReceiver" populate "$WORK/query-db" "$RECORDS"
start_receiver "$WORK/query-db"
taskset -c 1 "$BIN/BenchReceiver" query "http://127.0.0.1:$PORT" "$RECORDS" 300
stop_receiver
ls -la "$WORK/query-db" | awk 'NR>1 {sum += $5} END {printf "store on disk: %.0f MiB for '"$RECORDS"' records\n", sum/1048576}'
# The same records and queries against the hot buffer (`--store memory`), filled in the receiver's process.
taskset -c 0 "$BIN/BenchReceiver" serve-memory "$PORT" "$RECORDS" >"$WORK/serve-memory.log" 2>&1 &
RECEIVER=$!
for _ in $(seq 1 1200); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
taskset -c 1 "$BIN/BenchReceiver" query "http://127.0.0.1:$PORT" "$RECORDS" 300 | sed 's/^/[memory] /'
stop_receiver

"$BIN/BenchReceiver" memory 2000000 $((256 * 1024 * 1024))
taskset -c 1 "$BIN/BenchReceiver" capture 200000
