# Sourced by Benchmarks/run.sh and Benchmarks/compare.sh: serving two servers side by side on core 0 and
# reading their capacity ratio, and the helpers both scripts need around it.

# cpu_ticks PID: the process's user + system CPU time so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# median: the median of the numbers on standard input (separated by spaces or lines).
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# wait_for URL: returns once URL answers, or after 5 s.
wait_for() { for _ in $(seq 1 100); do curl -sf "$1" >/dev/null && return; sleep 0.05; done; }

# require_free_ports PORT...: exits, naming the listener, when something already listens on one of them (a
# server left from an earlier run would make a benchmark server fail to start, or be measured instead).
require_free_ports() {
  local port listener
  for port in "$@"; do
    listener=$(ss -Hltnp "sport = :$port" 2>/dev/null | head -1)
    if [[ -n $listener ]]; then
      echo "port $port is in use; stop what listens there first: $listener" >&2
      exit 1
    fi
  done
}

# start_receiver BINARY PORT: a trace receiver (memory store, no rate limit) on core 1 beside wrk, at idle
# priority (SCHED_IDLE). At normal priority the receiver, woken by each batch, preempted wrk for a few
# milliseconds at a time: the server's core then sat idle 4-5% of the run (against 1% bare), which is not
# the shipper's cost. Sets RECEIVER_PID; returns once the receiver answers.
start_receiver() {
  taskset -c 1 chrt --idle 0 "$1" serve --port "$2" --store memory --service-rate 1000000000 --log-level error >/dev/null 2>&1 &
  RECEIVER_PID=$!
  wait_for "http://127.0.0.1:$2/health"
}

# capacity_ratio PID_A PORT_A PID_B PORT_B SECONDS CONNECTIONS: serves A's and B's /api/hello at the same
# time for SECONDS, each by its own wrk on core 1 with CONNECTIONS connections, and prints B's capacity
# over A's: each server's requests per second of its own CPU time, what it would serve with the core to
# itself. Both are measured over the same instants, so whatever the VM's neighbours do hits both alike;
# on this VM the ratio repeats within about 1% from round to round while throughput swings fivefold. Both
# servers share the core's caches, which costs each some speed (CPU per request is higher than alone).
capacity_ratio() {
  local a_before b_before a_ticks b_ticks wrk_a out_a out_b ratio
  out_a=$(mktemp); out_b=$(mktemp)
  a_before=$(cpu_ticks "$1"); b_before=$(cpu_ticks "$3")
  taskset -c 1 wrk -t1 -c"$6" -d"$5s" "http://127.0.0.1:$2/api/hello" > "$out_a" &
  wrk_a=$!
  taskset -c 1 wrk -t1 -c"$6" -d"$5s" "http://127.0.0.1:$4/api/hello" > "$out_b"
  wait "$wrk_a"
  a_ticks=$(( $(cpu_ticks "$1") - a_before )); b_ticks=$(( $(cpu_ticks "$3") - b_before ))
  ratio=$(awk -v na="$(awk '/requests in/ {print $1}' "$out_a")" -v nb="$(awk '/requests in/ {print $1}' "$out_b")" \
    -v ca="$a_ticks" -v cb="$b_ticks" 'BEGIN {printf "%.3f", (nb / cb) / (na / ca)}')
  rm -f "$out_a" "$out_b"
  echo "$ratio"
}
