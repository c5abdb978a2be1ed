#!/usr/bin/env python3
"""What SQLite itself costs per record for the receiver's schema, without the receiver.

Inserts RECORDS records (default 300,000) in transactions of 1,000 through Python's sqlite3 module (the
system SQLite, as GRDB uses it) into a WAL database with synchronous=NORMAL and a 64 MiB cache, the
receiver's settings (with its checkpoint interval of 8,192 pages), three times: the bare `logs` table,
the table with the receiver's five indexes (the level index holds warnings and above only), and with the
indexes and the FTS5 table (without column sizes) the receiver fills for `q`. Prints the CPU time per
record of each: the floor under `trace-receiver serve`'s SQLite ingest (Python's per-row overhead
included, so the true floor is a little lower). Usage: Benchmarks/sqlite-floor.py [RECORDS]; pin it
(`taskset -c 0`) as receiver.sh pins the receiver.
"""
import os
import sqlite3
import sys
import tempfile
import time

SCHEMA = """
CREATE TABLE logs (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, level INTEGER NOT NULL, service TEXT NOT NULL,
    source INTEGER NOT NULL, event TEXT, message TEXT NOT NULL, request_id TEXT, trace_id TEXT, span_id TEXT,
    parent_span_id TEXT, duration_ms REAL, error TEXT, error_type TEXT, stack TEXT, fields TEXT, instance TEXT,
    seq INTEGER, dedup_key INTEGER NOT NULL);
"""
INDEXES = """
CREATE INDEX logs_ts ON logs(ts);
CREATE INDEX logs_request_id ON logs(request_id) WHERE request_id IS NOT NULL;
CREATE INDEX logs_trace_id ON logs(trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX logs_service_ts ON logs(service, ts);
CREATE INDEX logs_level_ts ON logs(level, ts) WHERE level >= 4;
"""
FTS = "CREATE VIRTUAL TABLE logs_fts USING fts5(message, error, content='logs', content_rowid='id', tokenize='unicode61', columnsize=0)"
INSERT = """INSERT INTO logs (ts, level, service, source, event, message, request_id, trace_id, span_id,
    parent_span_id, duration_ms, error, error_type, stack, fields, instance, seq, dedup_key)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def records(count):
    """Records shaped like BenchReceiver's: 50 services, a unique request id and message each."""
    start = 1_764_400_000_000_000
    for i in range(count):
        yield (start + i, 2, "service-%02d" % (i % 50), 1, "request_completed", "GET /api/items/%012d 200" % i,
               "0192f3a4-5b6c-7d8e-9f01-%012d" % i, "4bf92f3577b34da6a3ce929d%08x" % (i // 7), "%016x" % (i * 7919),
               None, 1.25, None, None, None, None, None, None, (i * 2654435761) % (1 << 62))


def run(count, indexes, fts):
    directory = tempfile.mkdtemp(prefix="sqlite-floor-")
    path = os.path.join(directory, "logs.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
                    "PRAGMA wal_autocheckpoint=8192;")
    db.executescript(SCHEMA + (INDEXES if indexes else ""))
    if fts:
        db.execute(FTS)
    rows = list(records(count))
    started = time.process_time()
    for batch in range(0, count, 1000):
        chunk = rows[batch:batch + 1000]
        db.execute("BEGIN")
        db.executemany(INSERT, chunk)
        if fts:
            last = db.execute("SELECT max(id) FROM logs").fetchone()[0]
            first = last - len(chunk) + 1
            db.executemany("INSERT INTO logs_fts (rowid, message, error) VALUES (?, ?, ?)",
                           [(first + k, row[5], row[11]) for k, row in enumerate(chunk)])
        db.execute("COMMIT")
    elapsed = time.process_time() - started
    db.close()
    for name in os.listdir(directory):
        os.remove(os.path.join(directory, name))
    os.rmdir(directory)
    return elapsed / count * 1e6


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    print("SQLite %s, %d records in transactions of 1,000, CPU time per record:" % (sqlite3.sqlite_version, count))
    for label, indexes, fts in [("table only", False, False), ("+ 5 indexes", True, False),
                                ("+ 5 indexes + FTS5 (the receiver's schema)", True, True)]:
        micros = run(count, indexes, fts)
        print("  %-44s %6.2f µs  (at most %7.0f records/s on one core)" % (label, micros, 1e6 / micros))


if __name__ == "__main__":
    main()
