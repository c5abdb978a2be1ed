# Sourced by Benchmarks/counts.sh and Benchmarks/ingest-counts.sh: perf uprobes on functions of the shared
# libraries a binary links, their event names listed in UPROBES for `perf stat`, removed by remove_uprobes
# (the scripts' exit trap). Needs perf and the right to add uprobes (root).

UPROBES=()

# add_uprobe BINARY LIBRARY SYMBOL: probes SYMBOL in the library BINARY links whose file name starts
# with LIBRARY (e.g. `libc.so`, `libswiftCore.so`); appends the event name (probe_<library>:SYMBOL) to UPROBES.
add_uprobe() {
  local path event
  path=$(ldd "$1" | awk -v name="$2" 'index($1, name) == 1 {print $3}')
  event="probe_${2%%.*}:$3"
  perf probe -q -d "$event" 2>/dev/null || true
  perf probe -q -x "$path" "$3"
  UPROBES+=("$event")
}

remove_uprobes() {
  local event
  for event in "${UPROBES[@]}"; do perf probe -q -d "$event" 2>/dev/null || true; done
}
