#!/usr/bin/env python3
"""Query a trace receiver's log API from the terminal. Standard library only (Python 3.8+).

    trace_logs.py --request-id 01a2…             every record of one request, all services and the browser
    trace_logs.py --service gateway --level warning --since 1h --query timeout
    trace_logs.py --source frontend --all        every browser report (follows nextCursor)
    trace_logs.py --trace 01a2…                  the merged timeline of one request or trace, oldest first
    trace_logs.py --json …                       records as JSON lines (the trace as one JSON object)

One line per record, tab-separated, newest first:
    TIMESTAMP  LEVEL  SERVICE  REQUEST_ID  EVENT  MESSAGE
Control characters (and backslashes) inside values are escaped, so each record stays on one line and
`cut -f` works. Missing values print as "-".

A receiver started with --ingest-token is read with the token in TRACE_RECEIVER_INGEST_TOKEN.

Exit status: 0 ok (also when nothing matched); 1 bad arguments; 2 the receiver answered an HTTP error
(its JSON message goes to stderr); 3 the receiver could not be reached.
"""

import argparse
import json
import os
import re
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

DEFAULT_RECEIVER = "http://127.0.0.1:7890"
EXIT_HTTP_ERROR = 2
EXIT_UNREACHABLE = 3


class ReceiverError(Exception):
    def __init__(self, message, exit_code):
        super().__init__(message)
        self.exit_code = exit_code


# ------------------------------------------------------------------------------------------ HTTP


def get_json(receiver, path, params=None, timeout=30.0):
    """GETs `path` (with query `params`) and returns the decoded JSON body."""
    url = receiver.rstrip("/") + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    headers = {"Accept": "application/json", "User-Agent": "trace_logs.py"}
    token = os.environ.get("TRACE_RECEIVER_INGEST_TOKEN")
    if token:  # a receiver started with --ingest-token requires it for reading too
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        raise ReceiverError(describe_http_error(error), EXIT_HTTP_ERROR) from None
    except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ReceiverError("cannot reach the receiver at %s: %s" % (receiver, reason), EXIT_UNREACHABLE) from None
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError:
        raise ReceiverError("the receiver at %s did not answer JSON" % receiver, EXIT_HTTP_ERROR) from None


def describe_http_error(error):
    """`message (HTTP 400 invalid_parameter)` from the receiver's JSON error body, else the raw status."""
    try:
        raw = error.read()
    except Exception:  # noqa: BLE001 - a broken error body still gets reported by status
        raw = b""
    code, message = None, None
    try:
        body = json.loads(raw.decode("utf-8"))
        if isinstance(body, dict):
            code, message = body.get("error"), body.get("message")
    except ValueError:
        pass
    if not message:
        message = escape(raw.decode("utf-8", "replace").strip()[:300]) or error.reason or "request failed"
    return "%s (HTTP %d%s)" % (message, error.code, " " + code if code else "")


# ------------------------------------------------------------------------------------------ output

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\"}


def escape(value):
    """`value` as text on one line: tabs, newlines, other control characters and backslashes escaped."""
    if value is None or value == "":
        return "-"
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(0), "\\x%02x" % ord(m.group(0))), value)


def record_line(record):
    return "\t".join(
        escape(record.get(key)) for key in ("timestamp", "level", "service", "request_id", "event", "message")
    )


def parse_timestamp(text):
    """RFC 3339 → aware datetime (any number of fraction digits), or None."""
    if not isinstance(text, str):
        return None
    match = re.match(r"^(\d{4}-\d\d-\d\d)[Tt ](\d\d:\d\d:\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:?\d\d)?$", text.strip())
    if not match:
        return None
    day, clock, fraction, zone = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    moment = datetime.strptime(day + "T" + clock, "%Y-%m-%dT%H:%M:%S").replace(microsecond=micros)
    if not zone or zone in "Zz":
        return moment.replace(tzinfo=timezone.utc)
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
    return moment.replace(tzinfo=timezone.utc) - timedelta(minutes=offset)


def write(line=""):
    sys.stdout.write(line + "\n")


# ------------------------------------------------------------------------------------------ commands


def search(args):
    params = {}
    for name, value in (
        ("request_id", args.request_id),
        ("trace_id", args.trace_id),
        ("service", args.service),
        ("source", args.source),
        ("level", args.level),
        ("since", args.since),
        ("until", args.until),
        ("q", args.query),
        ("limit", args.limit),
    ):
        if value not in (None, ""):
            params[name] = value
    printed = 0
    total = None
    while True:
        page = get_json(args.receiver, "/api/debug/logs", params)
        records = page.get("logs") or []
        if total is None:
            total = page.get("totalCount")
        for record in records:
            write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) if args.json else record_line(record))
        printed += len(records)
        cursor = page.get("nextCursor")
        if not args.all or not cursor or not records:
            break
        params["cursor"] = cursor
    if not args.json and sys.stderr.isatty():
        more = "" if args.all or total is None or total <= printed else " (%d match; --all for every one)" % total
        sys.stderr.write("%d record%s%s\n" % (printed, "" if printed == 1 else "s", more))
    return 0


def trace(args):
    identifier = args.trace
    body = get_json(args.receiver, "/api/debug/trace/" + urllib.parse.quote(identifier, safe=""))
    if args.json:
        write(json.dumps(body, ensure_ascii=False, indent=2))
        return 0
    timeline = body.get("timeline") or []
    starts = [parse_timestamp(body.get("started_at"))] + [parse_timestamp(r.get("timestamp")) for r in timeline[:1]]
    starts = [s for s in starts if s is not None]
    base = min(starts) if starts else None

    write(
        "request %s  trace %s  services %s  duration %s ms  errors %s"
        % (
            escape(body.get("request_id")),
            escape(body.get("trace_id")),
            ",".join(escape(s) for s in body.get("services") or []) or "-",
            escape(body.get("duration_ms")),
            escape(body.get("error_count")),
        )
    )
    for record in timeline:
        moment = parse_timestamp(record.get("timestamp"))
        offset = "%+.3f" % ((moment - base).total_seconds() * 1000) if moment and base else "?"
        message = record.get("message") or ""
        if record.get("event"):
            message = "%s: %s" % (record["event"], message)
        if record.get("duration_ms") is not None:
            message += " (%s ms)" % record["duration_ms"]
        if record.get("error"):
            message += " error=%s" % record["error"]
        if record.get("inferred"):
            message += " [inferred]"
        write("\t".join((offset + "ms", escape(record.get("service")), escape(record.get("level")), escape(message))))

    spans = body.get("spans") or []
    if spans:
        write()
        write("spans:")
        children = {}
        ids = {span.get("span_id") for span in spans}
        for span in spans:
            parent = span.get("parent_span_id")
            children.setdefault(parent if parent in ids else None, []).append(span)

        def show(parent, depth):
            for span in children.get(parent, []):
                write(
                    "%s%s\t%s\t%s ms\t%s"
                    % ("  " * depth, escape(span.get("name")), escape(span.get("service")), escape(span.get("duration_ms")), escape(span.get("status")))
                )
                if depth < 50:
                    show(span.get("span_id"), depth + 1)

        show(None, 1)
    return 0


# ------------------------------------------------------------------------------------------ main


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a whole number: %r" % text) from None
    if not 1 <= value <= 10000:
        raise argparse.ArgumentTypeError("must be from 1 to 10000")
    return value


class ArgumentParser(argparse.ArgumentParser):
    """Exits 1 on bad arguments (argparse's usual 2 means "the receiver answered an error" here)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(1, "%s: error: %s\n" % (self.prog, message))


def parse_arguments(argv):
    parser = ArgumentParser(
        prog="trace_logs.py",
        description="Search a trace receiver's logs (GET /api/debug/logs) or print one merged trace (GET /api/debug/trace/{id}).",
        epilog="Output: TIMESTAMP LEVEL SERVICE REQUEST_ID EVENT MESSAGE, tab-separated, newest first. "
        "Exit 2 on an HTTP error from the receiver, 3 when it cannot be reached.",
    )
    parser.add_argument(
        "--receiver",
        default=os.environ.get("TRACE_RECEIVER_URL") or DEFAULT_RECEIVER,
        help="receiver base URL (default: $TRACE_RECEIVER_URL, else %s)" % DEFAULT_RECEIVER,
    )
    parser.add_argument("--request-id", help="only this request id")
    parser.add_argument("--trace-id", help="only this W3C trace id")
    parser.add_argument("--service", help="only this service")
    parser.add_argument("--level", help="minimum level: trace debug info notice warning error critical")
    parser.add_argument("--source", help="backend, frontend or capture")
    parser.add_argument("--since", help="30m, 1h, 2d or an RFC 3339 timestamp")
    parser.add_argument("--until", help="30m, 1h, 2d or an RFC 3339 timestamp")
    parser.add_argument("--query", "-q", help="text to search for")
    parser.add_argument("--limit", type=positive_int, help="records per page (receiver default 100, max 10000)")
    parser.add_argument("--all", action="store_true", help="follow nextCursor until every match is printed")
    parser.add_argument("--json", action="store_true", help="print records as JSON lines (with --trace: the whole answer)")
    parser.add_argument("--trace", metavar="ID", help="print the merged timeline of this request or trace id instead")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_arguments(argv)
    if not re.match(r"^https?://", args.receiver):
        sys.stderr.write("trace_logs.py: --receiver must be an http:// or https:// URL, not %r\n" % args.receiver)
        return 1
    try:
        return trace(args) if args.trace else search(args)
    except ReceiverError as error:
        sys.stderr.write("trace_logs.py: %s\n" % error)
        return error.exit_code
    except BrokenPipeError:
        # `| head`: stop quietly.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
