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
CORE=$(ldd "$RECEIVER" | awk '/libswiftCore\.so/ {print $3}')
LIBC=$(ldd "$RECEIVER" | awk '$1 ~ /^libc\.so/ {print $3}')
PROBES=(probe_libswiftCore:swift_retain probe_libswiftCore:swift_release probe_libc:malloc)
remove_probes() { for probe in "${PROBES[@]}"; do perf probe -q -d "$probe" 2>/dev/null || true; done; }
remove_probes
perf probe -q -x "$CORE" swift_retain
perf probe -q -x "$CORE" swift_release
perf probe -q -x "$LIBC" malloc
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; remove_probes; rm -rf "$WORK"' EXIT

"$RECEIVER" serve --port "$PORT" --store memory --log-level warning >"$WORK/receiver.log" 2>&1 &
receiver=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.05; done
"$BIN_DIR/BenchReceiver" ingest "http://127.0.0.1:$PORT" 1 >/dev/null  # warm-up
perf stat -x, -e "${PROBES[0]}" -e "${PROBES[1]}" -e "${PROBES[2]}" -p "$receiver" -o "$WORK/stat" &
stat=$!
sleep 0.5
out=$("$BIN_DIR/BenchReceiver" ingest "http://127.0.0.1:$PORT" 3)
sleep 0.3
kill -INT "$stat"; wait "$stat" || true
records=$(sed -E 's/.*\(([0-9]+) records.*/\1/' <<<"$out")
echo "NDJSON ingest into the memory store, per record (exact counts over $records records):"
awk -F, -v n="$records" '/probe_/ {name = $3; sub(/.*:/, "", name); printf "  %-14s %8.2f\n", name, $1 / n}' "$WORK/stat"
kill -INT "$receiver"; wait "$receiver" 2>/dev/null || true
