#!/usr/bin/env bash
# Query a trace receiver's log API with curl (and jq, when installed).
#
#   trace-logs.sh --request-id 01a2…                      every record of one request
#   trace-logs.sh --service gateway --level warning --since 1h --query timeout
#   trace-logs.sh --source frontend --all                 every browser report (follows nextCursor)
#   trace-logs.sh --trace 01a2…                           the merged timeline of one request or trace
#   trace-logs.sh --json …                                raw JSON from the receiver
#
# With jq: one line per record, tab-separated, newest first:
#   TIMESTAMP  LEVEL  SERVICE  REQUEST_ID  EVENT  MESSAGE
# (tabs, newlines, backslashes and other control characters inside values are escaped). Without jq
# (or with --json) the receiver's JSON is printed as it came, one page per line.
#
# A receiver started with --ingest-token is read with the token in TRACE_RECEIVER_INGEST_TOKEN.
#
# Exit status: 0 ok; 1 bad arguments or missing curl; 2 the receiver answered an HTTP error (its
# message goes to stderr); 3 the receiver could not be reached.
set -euo pipefail

receiver="${TRACE_RECEIVER_URL:-http://127.0.0.1:7890}"
trace_id_to_show=""
json=0
all=0
params=()   # name=value pairs for --data-urlencode

usage() {
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'
Options:
  --receiver URL      receiver base URL (default: $TRACE_RECEIVER_URL, else http://127.0.0.1:7890)
  --request-id ID     only this request id
  --trace-id ID       only this W3C trace id
  --service NAME      only this service
  --level LEVEL       minimum level: trace debug info notice warning error critical
  --source SOURCE     backend, frontend or capture
  --since WHEN        30m, 1h, 2d or an RFC 3339 timestamp
  --until WHEN        30m, 1h, 2d or an RFC 3339 timestamp
  --query TEXT        text to search for (-q)
  --limit N           records per page (receiver default 100, max 10000)
  --all               follow nextCursor until every match is printed
  --json              print the receiver's JSON instead of lines
  --trace ID          print the merged timeline of this request or trace id instead
EOF
}

die_usage() {
  printf 'trace-logs.sh: %s (see --help)\n' "$1" >&2
  exit 1
}

need_value() {
  [ "$#" -ge 2 ] && [ -n "$2" ] || die_usage "$1 needs a value"
}

while [ "$#" -gt 0 ]; do
  case "$1" in
    --receiver) need_value "$@"; receiver="$2"; shift 2 ;;
    --request-id) need_value "$@"; params+=("request_id=$2"); shift 2 ;;
    --trace-id) need_value "$@"; params+=("trace_id=$2"); shift 2 ;;
    --service) need_value "$@"; params+=("service=$2"); shift 2 ;;
    --level) need_value "$@"; params+=("level=$2"); shift 2 ;;
    --source) need_value "$@"; params+=("source=$2"); shift 2 ;;
    --since) need_value "$@"; params+=("since=$2"); shift 2 ;;
    --until) need_value "$@"; params+=("until=$2"); shift 2 ;;
    --query|-q) need_value "$@"; params+=("q=$2"); shift 2 ;;
    --limit)
      need_value "$@"
      case "$2" in ''|*[!0-9]*) die_usage "--limit must be a whole number" ;; esac
      params+=("limit=$2"); shift 2 ;;
    --all) all=1; shift ;;
    --json) json=1; shift ;;
    --trace) need_value "$@"; trace_id_to_show="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die_usage "unknown argument: $1" ;;
  esac
done

command -v curl >/dev/null 2>&1 || { echo "trace-logs.sh: curl is required" >&2; exit 1; }
case "$receiver" in http://*|https://*) ;; *) die_usage "--receiver must be an http:// or https:// URL" ;; esac
receiver="${receiver%/}"
have_jq=0
if command -v jq >/dev/null 2>&1; then have_jq=1; fi

body_file="$(mktemp "${TMPDIR:-/tmp}/trace-logs.XXXXXX")"
trap 'rm -f "$body_file"' EXIT

# fetch URL [curl args…]: the body goes to $body_file; exits 3 when unreachable, 2 on an HTTP error.
fetch() {
  local url="$1" status
  shift
  # A receiver started with --ingest-token requires it for reading too. (Passed on curl's standard input,
  # so the token never shows in the process list.)
  local token_header=()
  [ -n "${TRACE_RECEIVER_INGEST_TOKEN:-}" ] && token_header=(-H @-)
  if ! status="$(printf 'Authorization: Bearer %s\n' "${TRACE_RECEIVER_INGEST_TOKEN:-}" | curl --silent --show-error --get --max-time 30 \
      -H 'Accept: application/json' "${token_header[@]}" -o "$body_file" -w '%{http_code}' "$@" "$url" 2>"$body_file.err")"; then
    printf 'trace-logs.sh: cannot reach the receiver at %s: %s\n' "$receiver" "$(sed 's/^curl: ([0-9]*) //' "$body_file.err")" >&2
    rm -f "$body_file.err"
    exit 3
  fi
  rm -f "$body_file.err"
  if [ "$status" -ge 400 ]; then
    local message=""
    if [ "$have_jq" = 1 ]; then
      message="$(jq -r 'if type == "object" then "\(.message // "request failed") (HTTP '"$status"' \(.error // ""))" else empty end' \
        <"$body_file" 2>/dev/null || true)"
    else
      message="$(sed -n 's/.*"message":"\([^"]*\)".*/\1/p' "$body_file" | head -n 1)"
      [ -n "$message" ] && message="$message (HTTP $status)"
    fi
    [ -n "$message" ] || message="HTTP $status: $(head -c 300 "$body_file")"
    printf 'trace-logs.sh: %s\n' "$message" >&2
    exit 2
  fi
}

# urlencode TEXT: percent-encodes everything but unreserved characters (RFC 3986), byte by byte.
urlencode() {
  local LC_ALL=C text="$1" out="" char i
  for ((i = 0; i < ${#text}; i++)); do
    char="${text:i:1}"
    case "$char" in
      [A-Za-z0-9._~-]) out+="$char" ;;
      *) out+="$(printf '%%%02X' "'$char")" ;;
    esac
  done
  printf '%s' "$out"
}

# jq: a value as one tab-free line: backslash, tab, newline, CR and other control characters escaped
# (\\ \t \n \r \xNN), "-" when missing. Lines are these values joined with tabs.
jq_line='def hex2: [(. / 16 | floor), (. % 16)] | map("0123456789abcdef"[.:. + 1]) | add;
  def clean: if . == null or . == "" then "-" else (if type == "string" then . else tojson end)
    | gsub("\\\\"; "\\\\") | gsub("\t"; "\\t") | gsub("\n"; "\\n") | gsub("\r"; "\\r")
    | gsub("(?<c>[\u0000-\u001f\u007f-\u009f])"; "\\x" + (.c | explode[0] | hex2)) end;
  def line: map(clean) | join("\t");'

if [ -n "$trace_id_to_show" ]; then
  encoded="$(urlencode "$trace_id_to_show")"
  fetch "$receiver/api/debug/trace/$encoded"
  if [ "$json" = 1 ] || [ "$have_jq" = 0 ]; then
    cat "$body_file"
    exit 0
  fi
  jq -r "$jq_line"'
    def ms: sub("Z$"; "") | capture("^(?<s>[^.]*)(?<f>\\.[0-9]+)?$")
            | ((.s + "Z" | fromdateiso8601) * 1000) + ((("0" + (.f // ".0")) | tonumber) * 1000);
    . as $t
    | ([($t.started_at // empty | ms), ($t.timeline[0].timestamp // empty | ms)] | min) as $base
    | "request \($t.request_id // "-")  trace \($t.trace_id // "-")  services \(($t.services // []) | map(clean) | join(","))  duration \($t.duration_ms // "-") ms  errors \($t.error_count // 0)",
      ($t.timeline[] |
        [ (if $base then ((.timestamp | ms) - $base | . * 1000 | round / 1000 | "+\(.)ms") else "?" end),
          .service, .level,
          ( ((if .event then "\(.event): " else "" end) + (.message // "")
             + (if .duration_ms then " (\(.duration_ms) ms)" else "" end)
             + (if .error then " error=\(.error)" else "" end)
             + (if .inferred then " [inferred]" else "" end))) ] | line),
      (if ($t.spans // []) | length > 0 then "", "spans:",
        ($t.spans[] | ["  " + (.name // "-"), .service, "\(.duration_ms // "-") ms", .status] | line) else empty end)
  ' "$body_file"
  exit 0
fi

encode_args=()
for pair in ${params[@]+"${params[@]}"}; do encode_args+=(--data-urlencode "$pair"); done

cursor=""
while :; do
  if [ -n "$cursor" ]; then
    fetch "$receiver/api/debug/logs" ${encode_args[@]+"${encode_args[@]}"} --data-urlencode "cursor=$cursor"
  else
    fetch "$receiver/api/debug/logs" ${encode_args[@]+"${encode_args[@]}"}
  fi
  if [ "$json" = 1 ] || [ "$have_jq" = 0 ]; then
    cat "$body_file"
    [ -n "$(tail -c 1 "$body_file")" ] && echo
  else
    jq -r "$jq_line"'.logs[] | [.timestamp, .level, .service, .request_id, .event, .message] | line' "$body_file"
  fi
  [ "$all" = 1 ] || break
  if [ "$have_jq" = 1 ]; then
    count="$(jq '.logs | length' "$body_file")"
    cursor="$(jq -r '.nextCursor // empty' "$body_file")"
  else
    count="$(grep -c '"timestamp"' "$body_file" || true)"
    cursor="$(grep -o '"nextCursor":"[^"]*"' "$body_file" | sed 's/^"nextCursor":"//; s/"$//' || true)"
  fi
  if [ -z "$cursor" ] || [ "$count" = 0 ]; then break; fi
done
