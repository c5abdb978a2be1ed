#!/usr/bin/env bash
# Per-record counts for NDJSON ingest into the memory store (release build): calls to swift_retain,
# swift_release and malloc in the receiver, counted exactly with perf uprobes while BenchReceiver sends
# batches of 1,000 records for 3 seconds (slowed by the probes; a few tens of thousands of records).
# Timings on a shared VM drift by tens of percent between runs; these counts show whether a change to
# the ingest path removed work. Needs perf and the right to add uprobes (root).
# Usage: Benchmarks/ingest-counts.sh [trace-receiver binary, default: this checkout's release build]
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=(${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"})
swift build -c release "${SCRATCH[@]}" --product trace-receiver >/dev/null
swift build -c release "${SCRATCH[@]}" --product BenchReceiver >/dev/null
BIN_DIR=$(swift build -c release "${SCRATCH[@]}" --show-bin-path)
RECEIVER=${1:-$BIN_DIR/trace-receiver}
PORT=17995
WORK=$(mktemp -d)
source Benchmarks/uprobes.sh
trap 'kill $(jobs -p) 2>/dev/null || true; remove_uprobes; rm -rf "$WORK"' EXIT
add_uprobe "$RECEIVER" libswiftCore.so swift_retain
add_uprobe "$RECEIVER" libswiftCore.so swift_release
add_uprobe "$RECEIVER" libc.so malloc

"$RECEIVER" serve --port "$PORT" --store memory --log-level warning >"$WORK/receiver.log" 2>&1 &
receiver=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.05; done
"$BIN_DIR/BenchReceiver" ingest "http://127.0.0.1:$PORT" 1 >/dev/null  # warm-up
perf stat -x, "${UPROBES[@]/#/--event=}" -p "$receiver" -o "$WORK/stat" &
stat=$!
sleep 0.5
out=$("$BIN_DIR/BenchReceiver" ingest "http://127.0.0.1:$PORT" 3)
sleep 0.3
kill -INT "$stat"; wait "$stat" || true
records=$(sed -E 's/.*\(([0-9]+) records.*/\1/' <<<"$out")
echo "NDJSON ingest into the memory store, per record (exact counts over $records records):"
awk -F, -v n="$records" '/probe_/ {name = $3; sub(/.*:/, "", name); printf "  %-14s %8.2f\n", name, $1 / n}' "$WORK/stat"
kill -INT "$receiver"; wait "$receiver" 2>/dev/null || true
