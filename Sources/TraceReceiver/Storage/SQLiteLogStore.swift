import Foundation
import GRDB
import GRDBSQLite
import Logging
import RequestTracing
import Synchronization

/// The durable store: one SQLite database (WAL, `synchronous=NORMAL`) with indexes on request id,
/// trace id, service, level (warnings and above) and timestamp, and an FTS5 index over message and error.
///
/// Writes run on GRDB's writer queue (a Dispatch queue, never the cooperative pool or an event loop), one
/// transaction at a time. Appends made while one is being written are written together, in the next
/// transaction (``GroupCommit``); each batch is committed, or not, as a whole. Reads run on GRDB's reader
/// pool concurrently with writes.
public final class SQLiteLogStore: LogStore {
    /// Retention limits. Records past either are deleted oldest first, except the newest record, which
    /// always stays (so that its id is never given to another).
    public struct Retention: Sendable {
        /// Records with timestamps older than this are deleted.
        public var maximumAge: Duration
        /// When the database grows past this many bytes, the oldest records are deleted until it is
        /// back under 90% of it (freed pages are reused, so the file stops growing).
        public var maximumBytes: Int

        public init(maximumAge: Duration = .seconds(7 * 86_400), maximumBytes: Int = 1 << 30) {
            self.maximumAge = maximumAge
            self.maximumBytes = maximumBytes
        }
    }

    /// The database file.
    public let path: String
    public let retention: Retention
    private let pool: DatabasePool
    private let evicted = Counter()
    /// Rows in `logs`, kept current by append and retention so totals need no `COUNT(*)` over the
    /// whole table (tens of milliseconds at a million rows).
    private let storedRecords = Counter()
    /// The descriptor holding `receiver.lock` in the store's directory (`flock`), or -1 once released:
    /// one receiver at a time owns a store. Two would share the file safely, but each would keep its own
    /// dedup window, counters and retention, so records sent to both would be stored twice.
    private let ownership: Mutex<Int32>

    /// Appends, coalesced into transactions (see ``GroupCommit``).
    let appends: GroupCommit<LogRecord>
    /// Most records one transaction of appends takes (a larger batch is written alone): about 120 ms of
    /// writing on this project's VM, which a batch waiting behind it may wait.
    static let maximumRecordsPerTransaction = 10_000

    /// Above this many text hits, a search that also has other conditions joins in memory
    /// (see ``searchByWalking(_:conditions:hits:_:)``) rather than through a temporary table.
    let walkingThreshold: Int

    /// Opens (creating if needed) `directory/receiver.sqlite`.
    public convenience init(directory: String, retention: Retention = Retention()) throws {
        try self.init(directory: directory, retention: retention, maximumPages: nil)
    }

    /// Opens the store with a chosen ``walkingThreshold`` (tests compare both ways of joining text hits)
    /// and, for tests, a cap on the database's pages past which writes fail as on a full disk.
    ///
    /// - Throws: ``StoreOpenError`` when the directory cannot be made or the file is not a usable database.
    init(directory: String, retention: Retention, walkingThreshold: Int = 4096, maximumPages: Int? = nil) throws {
        self.walkingThreshold = walkingThreshold
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreOpenError(directory: directory, creating: error)
        }
        path = (directory as NSString).appendingPathComponent("receiver.sqlite")
        self.retention = retention
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // NORMAL in WAL mode: a commit survives a crash of the receiver (not of the machine).
            // A 64 MiB page cache keeps the five indexes' hot pages in memory during bulk ingest.
            // Checkpoints up to 8× less often than SQLite's 1,000 pages (see checkpointPages): an index
            // page rewritten by many batches is copied into the database file once per checkpoint, and
            // the checkpoint's fsync is paid less often.
            try db.execute(sql: """
                PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;
                PRAGMA wal_autocheckpoint = \(Self.checkpointPages(for: retention))
                """)
            if let maximumPages { try db.execute(sql: "PRAGMA max_page_count = \(maximumPages)") }
        }
        configuration.busyMode = .timeout(5)
        let owner = try Self.takeOwnership(of: directory, database: path)
        let count: Int
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            count = try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM logs") ?? 0 }
        } catch {
            // `self` is not whole yet, so `deinit` will not release the lock.
            FileLock.release(owner)
            guard let error = error as? DatabaseError else { throw error }
            throw StoreOpenError(path: path, reason: Self.reason(opening: error))
        }
        ownership = Mutex(owner)
        appends = GroupCommit(maximumItems: Self.maximumRecordsPerTransaction) { [pool, path] batches in
            try await Self.insert(batches, into: pool, path: path)
        }
        storedRecords.add(count)
    }

    deinit { releaseOwnership() }

    /// Takes `directory/receiver.lock` (see ``ownership``) and writes this process's id in it, or throws
    /// naming the process that has it.
    private static func takeOwnership(of directory: String, database: String) throws -> Int32 {
        let lockPath = (directory as NSString).appendingPathComponent("receiver.lock")
        switch FileLock.acquire(lockPath) {
        case .acquired(let descriptor):
            let pid = Array("\(getpid())\n".utf8)
            _ = ftruncate(descriptor, 0)
            _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            return descriptor
        case .held:
            let owner = (try? String(contentsOfFile: lockPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            let who = owner.flatMap(Int32.init).map { "another trace-receiver (pid \($0))" } ?? "another trace-receiver"
            throw StoreOpenError(
                path: database,
                reason: "\(who) is using this store; stop it, or give this one a store directory of its own"
            )
        case .failed(let code):
            throw StoreOpenError(path: database, reason: "cannot lock \(lockPath) (\(String(cString: strerror(code))))")
        }
    }

    /// Closes the lock's descriptor, once, so another receiver may open the store.
    private func releaseOwnership() {
        ownership.withLock { descriptor in
            if descriptor >= 0 { FileLock.release(descriptor) }
            descriptor = -1
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE logs (
                        id INTEGER PRIMARY KEY,
                        ts INTEGER NOT NULL,
                        level INTEGER NOT NULL,
                        service TEXT NOT NULL,
                        source INTEGER NOT NULL,
                        event TEXT,
                        message TEXT NOT NULL,
                        request_id TEXT,
                        trace_id TEXT,
                        span_id TEXT,
                        parent_span_id TEXT,
                        duration_ms REAL,
                        error TEXT,
                        error_type TEXT,
                        stack TEXT,
                        fields TEXT,
                        instance TEXT,
                        seq INTEGER,
                        dedup_key INTEGER NOT NULL
                    );
                    CREATE INDEX logs_ts ON logs(ts);
                    CREATE INDEX logs_request_id ON logs(request_id) WHERE request_id IS NOT NULL;
                    CREATE INDEX logs_trace_id ON logs(trace_id) WHERE trace_id IS NOT NULL;
                    CREATE INDEX logs_service_ts ON logs(service, ts);
                    CREATE INDEX logs_level_ts ON logs(level, ts);
                    CREATE VIRTUAL TABLE logs_fts USING fts5(
                        message, error, content='logs', content_rowid='id', tokenize='unicode61'
                    );
                    """
            )
        }
        migrator.registerMigration("v2: level index for warnings and above, FTS without sizes") { db in
            // Most records are below warning, and a search for them reads the timestamp or service
            // index anyway; a search for warnings and errors is the one the level index serves. Indexing
            // only those skips an index insert for nearly every record. (The search names the level as a
            // literal, so SQLite can prove that it implies the index's condition.)
            // The FTS index drops its per-row column sizes (`columnsize=0`): they serve only ranking by
            // relevance, which no query uses, and cost another b-tree insert per record.
            try db.execute(
                sql: """
                    DROP INDEX logs_level_ts;
                    CREATE INDEX logs_level_ts ON logs(level, ts) WHERE level >= \(Self.indexedLevel);
                    DROP TABLE logs_fts;
                    CREATE VIRTUAL TABLE logs_fts USING fts5(
                        message, error, content='logs', content_rowid='id', tokenize='unicode61', columnsize=0
                    );
                    INSERT INTO logs_fts (logs_fts) VALUES ('rebuild');
                    """
            )
        }
        migrator.registerMigration("v3: index of browser reports without ids") { db in
            // A trace looks for browser reports that carry no id near its requests (matched to them by
            // path). Without this index that read every record of the ±window by the timestamp index:
            // 10,000 rows at 1,000 records/s, most of a trace's time. These reports are few, so the
            // index costs next to nothing to keep. (See unlinkedFrontendQuery.)
            try db.execute(
                sql: """
                    CREATE INDEX logs_unlinked_frontend_ts ON logs(ts)
                    WHERE source = \(RecordSource.frontend.code) AND request_id IS NULL AND trace_id IS NULL;
                    """
            )
        }
        migrator.registerMigration("v4: index of request starts and completions") { db in
            // The request list (the web page's, refetched on every live update) reads the newest starts
            // and completions. By the timestamp index that read every record in between, at a row lookup
            // each: 20,000 for 2,000 of them when a request logs ten lines. Only these records enter this
            // index. (The list names the events as requestEventsCondition does, so SQLite can prove that it
            // implies the index's condition.)
            try db.execute(sql: "CREATE INDEX logs_request_events_ts ON logs(ts) WHERE \(Self.requestEventsCondition)")
        }
        return migrator
    }

    /// Pages of WAL after which SQLite checkpoints it into the database file: 8,192 (32 MiB), or fewer
    /// for a small size cap, so that the WAL (which keeps the size it reached, and which the cap does not
    /// count) stays within about 1/32 of it; never fewer than SQLite's own 1,000.
    static func checkpointPages(for retention: Retention) -> Int {
        min(8192, max(1000, retention.maximumBytes / 32 / 4096))
    }
    /// The lowest level rank in `logs_level_ts` (warning).
    static let indexedLevel = Logger.Level.warning.rank

    private static let insertSQL = """
        INSERT INTO logs (ts, level, service, source, event, message, request_id, trace_id, span_id,
            parent_span_id, duration_ms, error, error_type, stack, fields, instance, seq, dedup_key)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    private static let insertFTSSQL = "INSERT INTO logs_fts (rowid, message, error) VALUES (?, ?, ?)"
    static let columns = """
        id, ts, level, service, source, event, message, request_id, trace_id, span_id, parent_span_id,
        duration_ms, error, error_type, stack, fields, instance, seq, dedup_key
        """

    public func append(_ records: consuming [LogRecord]) async throws {
        let records = records
        guard !records.isEmpty else { return }
        try await appends.submit(records)
        storedRecords.add(records.count)
    }

    /// Inserts `batches` in one transaction.
    private static func insert(_ batches: [[LogRecord]], into pool: DatabasePool, path: String) async throws {
        do {
            try await pool.write { db in
                let insert = try db.cachedStatement(sql: Self.insertSQL)
                let insertFTS = try db.cachedStatement(sql: Self.insertFTSSQL)
                for records in batches {
                    for record in records {
                        try Self.bind(record, to: insert.sqliteStatement)
                        try Self.step(insert.sqliteStatement, db)
                        let statement = insertFTS.sqliteStatement
                        sqlite3_reset(statement)
                        sqlite3_bind_int64(statement, 1, db.lastInsertedRowID)
                        Self.bind(record.message, at: 2, to: statement)
                        Self.bind(record.error, at: 3, to: statement)
                        try Self.step(statement, db)
                    }
                }
            }
        } catch let error as DatabaseError {
            // The transaction was rolled back: none of its batches is stored.
            throw StoreWriteError(reason: error.resultCode == .SQLITE_FULL ? .full : .failed, path: path, detail: error.message ?? "\(error.resultCode)")
        }
    }

    public func search(_ query: LogQuery) async throws -> LogPage {
        var filter = Self.filter(for: query)
        let match = Self.ftsMatch(for: query.words)
        let conditionsBesideText = filter
        if match != nil { filter.append("id IN temp.text_hits", []) }
        let countFilter = filter
        if let cursor = query.cursor {
            filter.append("(ts < ? OR (ts = ? AND id < ?))", [cursor.timestamp, cursor.timestamp, cursor.id])
        }
        let limit = max(1, query.limit)
        let pageFilter = filter
        let unfilteredTotal = countFilter.conditions.isEmpty ? storedRecords.value : nil
        let walkingThreshold = walkingThreshold
        return try await pool.read { db in
            // The text hits go to a table of their own on this reader's connection, which both the page
            // and the count read (`id IN (SELECT rowid … MATCH …)` would evaluate the match, and build an
            // index over its rowids, once per statement), unless there are many of them: those are joined
            // in memory, along the other conditions' index (see searchByWalking) or, with none, the
            // timestamp index (see searchTextByWalkingTime, which gives up when the matches are old).
            if let match {
                let hits = try Self.textHits(match, db)
                if hits.count > walkingThreshold {
                    if !conditionsBesideText.conditions.isEmpty {
                        return try Self.searchByWalking(query, conditions: conditionsBesideText, hits: hits, db)
                    }
                    if let page = try Self.searchTextByWalkingTime(query, hits: hits, db) { return page }
                }
                try Self.storeTextHits(hits, db)
            }
            defer { if match != nil { try? Self.clearTextHits(db) } }
            var records = try Self.fetchRecords(
                db,
                sql: "SELECT \(Self.columns) FROM logs \(pageFilter.whereClause) ORDER BY ts DESC, id DESC LIMIT ?",
                arguments: StatementArguments(pageFilter.arguments + [(limit + 1).databaseValue])
            )
            let next = Self.trimToPage(&records, limit: limit)
            guard query.countsAllMatches else {
                return LogPage(records: records, totalCount: records.count, oldestTimestamp: nil, nextCursor: next)
            }
            // A first page that holds every match is its own count.
            if query.cursor == nil, next == nil {
                return LogPage(records: records, totalCount: records.count, oldestTimestamp: records.last?.timestamp, nextCursor: nil)
            }
            // Without filters the total is known; MIN(ts) alone is one index lookup.
            let summary = try Row.fetchOne(
                db,
                sql: unfilteredTotal == nil
                    ? "SELECT COUNT(*), MIN(ts) FROM logs \(countFilter.whereClause)" : "SELECT \(unfilteredTotal!), MIN(ts) FROM logs",
                arguments: StatementArguments(countFilter.arguments)
            )
            return LogPage(
                records: records,
                totalCount: summary?[0] ?? 0,
                oldestTimestamp: summary?[1],
                nextCursor: next
            )
        }
    }

    public func arrivals(matching query: LogQuery, after position: Int64?) async throws -> LogArrivals {
        let limit = max(1, query.limit)
        let match = Self.ftsMatch(for: query.words)
        // One read: the newest id and the rows come from the same snapshot, so nothing stored between
        // them is skipped.
        return try await pool.read { db in
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM logs") ?? 0
            // A position past the newest record is from before the table was emptied (ids start again):
            // everything held is new to the follower.
            let after = position.map { $0 > newest ? 0 : $0 }
            var filter = Self.filter(for: query)
            if let after { filter.append("id > ?", [after]) }
            if let match {
                // FTS5 narrows the match to the rowids the answer can hold by itself.
                filter.append(
                    "id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ?\(after == nil ? "" : " AND rowid > ?"))",
                    after.map { [match, $0] } ?? [match]
                )
            }
            let records = try Self.fetchRecords(
                db,
                sql: "SELECT \(Self.columns) FROM logs \(filter.whereClause) ORDER BY id \(after == nil ? "DESC" : "ASC") LIMIT ?",
                arguments: StatementArguments(filter.arguments + [limit.databaseValue])
            )
            guard let after else { return LogArrivals(records: records.reversed(), position: newest) }
            let position = records.count == limit ? records.last?.id ?? newest : newest
            // Ids are given in arrival order, one more each time: those up to the answer's position that
            // are no longer held were removed (by retention, which may take them from anywhere, by age)
            // after the follower's last answer. Counted over the ids the answer covers, as its query was.
            let held = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM logs WHERE id > ? AND id <= ?", arguments: [after, position]) ?? 0
            return LogArrivals(records: records, position: position, missed: Int(max(0, position - after - held)))
        }
    }

    public func records(correlatedWith ids: Set<String>, selection: CorrelatedSelection, limit: Int) async throws -> [LogRecord] {
        guard !ids.isEmpty else { return [] }
        let list = Array(ids)
        let placeholders = Self.placeholders(list.count)
        // The same test as LogRecord.isLandmark.
        let landmark = selection == .landmarks
            ? " AND (level >= \(Logger.Level.warning.rank)" + #" OR event LIKE '%\_completed' ESCAPE '\' OR event LIKE '%\_failed' ESCAPE '\')"#
            : ""
        let order = selection == .newest ? "ts DESC, id DESC" : "ts, id"
        let records = try await pool.read { db in
            try Self.fetchRecords(
                db,
                sql: """
                    SELECT \(Self.columns) FROM logs WHERE request_id IN (\(placeholders))\(landmark)
                    UNION SELECT \(Self.columns) FROM logs WHERE trace_id IN (\(placeholders))\(landmark)
                    ORDER BY \(order) LIMIT ?
                    """,
                arguments: StatementArguments((list + list).map(\.databaseValue) + [limit.databaseValue])
            )
        }
        return selection == .newest ? records.reversed() : records
    }

    /// The browser reports without ids whose timestamps are between the first two arguments, oldest
    /// first, at most the third. It names the source as a literal, so that SQLite can prove that it
    /// implies the condition of the index of these reports.
    static let unlinkedFrontendQuery = """
        SELECT \(columns) FROM logs WHERE ts BETWEEN ? AND ?
        AND source = \(RecordSource.frontend.code) AND request_id IS NULL AND trace_id IS NULL
        ORDER BY ts, id LIMIT ?
        """

    public func uncorrelatedFrontendRecords(in range: ClosedRange<Int64>, limit: Int) async throws -> [LogRecord] {
        try await pool.read { db in
            try Self.fetchRecords(db, sql: Self.unlinkedFrontendQuery, arguments: [range.lowerBound, range.upperBound, limit])
        }
    }

    public func recentDedupKeys(limit: Int) async throws -> [UInt64] {
        try await pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT dedup_key FROM logs ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map { UInt64(bitPattern: $0) }
        }
    }

    public func enforceRetention(now: Int64) async throws -> Int {
        let oldestAllowed = now - retention.maximumAge.microseconds
        let maximumBytes = retention.maximumBytes
        let removed = try await pool.write { db -> Int in
            // The newest record stays, whatever its age: SQLite gives a new row the largest id held plus
            // one, so removing it would give its id again, and a follower already past that id (see
            // arrivals(matching:after:)) would never see the record that got it.
            guard let newest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM logs") else { return 0 }
            var removed = try Self.delete(db, where: "ts < ? AND id < ?", [oldestAllowed, newest])
            // Over the size cap: delete the oldest records, a slice at a time, until under 90% of it.
            while try Self.usedBytes(db) > maximumBytes {
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM logs") ?? 0
                guard count > 1 else { break }
                let used = try Self.usedBytes(db)
                let excess = Double(used - maximumBytes * 9 / 10) / Double(used)
                let slice = min(count - 1, max(1, Int(Double(count) * excess)))
                let boundary = try Int64.fetchOne(db, sql: "SELECT id FROM logs ORDER BY id LIMIT 1 OFFSET ?", arguments: [slice - 1]) ?? Int64.max
                removed += try Self.delete(db, where: "id <= ?", [min(boundary, newest - 1)])
            }
            return removed
        }
        if removed > 0 {
            evicted.add(removed)
            storedRecords.add(-removed)
        }
        return removed
    }

    public func statistics() async throws -> StoreStatistics {
        let evictedCount = evicted.value
        let recordCount = storedRecords.value
        return try await pool.read { db in
            StoreStatistics(records: recordCount, bytes: try Self.usedBytes(db), evicted: evictedCount)
        }
    }

    public func close() async throws {
        defer { releaseOwnership() }
        try pool.close()
    }

    // MARK: Helpers

    /// Why opening the database failed, with what to do about it.
    private static func reason(opening error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            "the file is not a SQLite database, or is damaged; move it aside (with its -wal and -shm files) to start a new store"
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
            "the file cannot be opened for writing (\(error.message ?? "\(error.resultCode)")); check its permissions"
        default:
            error.message ?? "\(error)"
        }
    }

    /// Drops the extra record fetched past a page of `limit` (which shows that more follow) and returns
    /// where the next page starts, if one does.
    static func trimToPage(_ records: inout [LogRecord], limit: Int) -> LogCursor? {
        guard records.count > limit else { return nil }
        records.removeLast(records.count - limit)
        return records.last.map { LogCursor(timestamp: $0.timestamp, id: $0.id) }
    }

    /// `?,?,…` for an `IN` list of `count` values.
    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    /// Bytes of the database holding data (pages in use, not free-listed).
    private static func usedBytes(_ db: Database) throws -> Int {
        let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }

    /// Records deleted at a time by ``delete(_:where:_:)``.
    static let deletionSlice = 10_000

    /// Deletes the records meeting `condition`, oldest first, a slice at a time, with their text index rows.
    ///
    /// External-content FTS rows are removed with the 'delete' command and the old values, and that
    /// command writes to the text index: on a full disk it fails for want of a page. So each slice's ids
    /// and text are copied to a temporary table (in memory: `temp_store`), the records deleted, freeing
    /// their pages, and only then the text index rows, from the copy.
    private static func delete(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> Int {
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY, message TEXT, error TEXT)")
        try db.execute(sql: "DELETE FROM temp.doomed")
        var removed = 0
        while true {
            try db.execute(
                sql: "INSERT INTO temp.doomed SELECT id, message, error FROM logs WHERE \(condition) ORDER BY id LIMIT \(deletionSlice)",
                arguments: arguments
            )
            let copied = db.changesCount
            guard copied > 0 else { return removed }
            try db.execute(sql: "DELETE FROM logs WHERE id IN (SELECT id FROM temp.doomed)")
            removed += db.changesCount
            try db.execute(sql: "INSERT INTO logs_fts (logs_fts, rowid, message, error) SELECT 'delete', id, message, error FROM temp.doomed")
            try db.execute(sql: "DELETE FROM temp.doomed")
            if copied < deletionSlice { return removed }
        }
    }

    /// The conditions of a search, as SQL with its arguments.
    struct Filter: Sendable {
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []

        mutating func append(_ condition: String, _ values: [any DatabaseValueConvertible]) {
            conditions.append(condition)
            arguments.append(contentsOf: values.map(\.databaseValue))
        }

        var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
    }

    /// The condition on a request's start and completion events, as the index of them states it: our own
    /// literals (never user text), in a fixed order. Equalities joined by OR, not `event IN (…)`: SQLite
    /// builds a table for an IN list each time it checks a row against the index's condition, which
    /// took a quarter off the ingest of records that are all request completions.
    static let requestEventsCondition = "(" + RecentRequest.hopEvents.sorted().map { "event = '\($0)'" }.joined(separator: " OR ") + ")"

    /// The conditions of `query` other than its text.
    static func filter(for query: LogQuery) -> Filter {
        var filter = Filter()
        if let requestID = query.requestID { filter.append("request_id = ?", [requestID]) }
        if let traceID = query.traceID { filter.append("trace_id = ?", [traceID]) }
        if let service = query.service { filter.append("service = ?", [service]) }
        if let source = query.source { filter.append("source = ?", [source.code]) }
        if let events = query.events {
            if events == RecentRequest.hopEvents {
                filter.append(requestEventsCondition, [])  // the request list's: its index serves it
            } else {
                filter.append("event IN (\(placeholders(events.count)))", Array(events))
            }
        }
        if let requestIDs = query.requestIDs {
            filter.append("request_id IN (\(placeholders(requestIDs.count)))", Array(requestIDs))
        }
        if let traceIDs = query.traceIDs {
            filter.append("trace_id IN (\(placeholders(traceIDs.count)))", Array(traceIDs))
        }
        // A literal (a rank, never user text), so the planner can use the partial level index.
        if let level = query.minimumLevel, level.rank > 0 { filter.append("level >= \(level.rank)", []) }
        if let since = query.since { filter.append("ts >= ?", [since]) }
        if let until = query.until { filter.append("ts <= ?", [until]) }
        for condition in query.fieldConditions { append(condition, to: &filter) }
        return filter
    }

    /// A field condition over the `fields` JSON (no index: it narrows what the other conditions select).
    /// The key is only letters, digits and `_ . -` (see ``FieldCondition``), so quoting it makes a path
    /// that names exactly that member.
    private static func append(_ condition: FieldCondition, to filter: inout Filter) {
        let path = "$.\"" + condition.key + "\""
        if let number = condition.number {
            filter.append(
                "(json_extract(fields, ?) = ? OR (json_type(fields, ?) IN ('integer', 'real') AND json_extract(fields, ?) = ?))",
                [path, condition.value, path, path, number]
            )
        } else if condition.value == "true" || condition.value == "false" {
            filter.append("(json_extract(fields, ?) = ? OR json_type(fields, ?) = ?)", [path, condition.value, path, condition.value])
        } else {
            filter.append("json_extract(fields, ?) = ?", [path, condition.value])
        }
    }

    /// The FTS5 query for `words`, or `nil` when there are none. Each word becomes a quoted prefix term,
    /// so user text can never be read as FTS5 syntax.
    private static func ftsMatch(for words: [String]) -> String? {
        guard !words.isEmpty else { return nil }
        return words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*" }.joined(separator: " AND ")
    }

    /// Fills `temp.text_hits` (a table in this connection's own temporary database, so concurrent
    /// readers never see each other's) with `hits`.
    private static func storeTextHits(_ hits: [Int64], _ db: Database) throws {
        try prepareTextHits(db)
        let insert = try db.cachedStatement(sql: "INSERT INTO temp.text_hits (id) VALUES (?)").sqliteStatement
        for id in hits {
            sqlite3_reset(insert)
            sqlite3_bind_int64(insert, 1, id)
            try step(insert, db)
        }
    }

    private static func prepareTextHits(_ db: Database) throws {
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS text_hits (id INTEGER PRIMARY KEY)")
        try clearTextHits(db)  // left over only if a previous search failed before clearing it
    }

    private static func clearTextHits(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM temp.text_hits")
    }

    /// Fetches records through a cursor: its rows read the statement directly, so ``text(_:_:)`` sees
    /// every byte of a column.
    static func fetchRecords(_ db: Database, sql: String, arguments: StatementArguments) throws -> [LogRecord] {
        try Array(Row.fetchCursor(db, sql: sql, arguments: arguments).map(Self.record(from:)))
    }

    /// A text column with its full length. GRDB's `String` conversion stops at the first NUL, and a
    /// record's message (or any other string) may legitimately contain U+0000.
    private static func text(_ row: Row, _ index: Int) -> String? {
        (try? row.withUnsafeData(atIndex: index) { data in data.map { String(decoding: $0, as: UTF8.self) } }) ?? nil
    }

    private static func record(from row: Row) -> LogRecord {
        var record = LogRecord(
            id: row[0],
            timestamp: row[1],
            level: Logger.Level(rank: row[2]) ?? .info,
            service: text(row, 3) ?? "",
            source: RecordSource(code: row[4]) ?? .backend,
            event: text(row, 5),
            message: text(row, 6) ?? "",
            requestID: text(row, 7),
            traceID: text(row, 8),
            spanID: text(row, 9),
            parentSpanID: text(row, 10),
            durationMS: row[11],
            error: text(row, 12),
            errorType: text(row, 13),
            stack: text(row, 14),
            fields: text(row, 15),
            instance: text(row, 16),
            sequence: (row[17] as Int64?).map { UInt64(bitPattern: $0) }
        )
        record.dedupKey = UInt64(bitPattern: row[18])
        return record
    }

    // MARK: Raw binding (the insert path binds directly: GRDB's argument boxing costs more than SQLite)

    private static func bind(_ record: LogRecord, to statement: SQLiteStatement) throws {
        sqlite3_reset(statement)
        sqlite3_bind_int64(statement, 1, record.timestamp)
        sqlite3_bind_int64(statement, 2, Int64(record.level.rank))
        bind(record.service, at: 3, to: statement)
        sqlite3_bind_int64(statement, 4, Int64(record.source.code))
        bind(record.event, at: 5, to: statement)
        bind(record.message, at: 6, to: statement)
        bind(record.requestID, at: 7, to: statement)
        bind(record.traceID, at: 8, to: statement)
        bind(record.spanID, at: 9, to: statement)
        bind(record.parentSpanID, at: 10, to: statement)
        if let duration = record.durationMS {
            sqlite3_bind_double(statement, 11, duration)
        } else {
            sqlite3_bind_null(statement, 11)
        }
        bind(record.error, at: 12, to: statement)
        bind(record.errorType, at: 13, to: statement)
        bind(record.stack, at: 14, to: statement)
        bind(record.fields, at: 15, to: statement)
        bind(record.instance, at: 16, to: statement)
        if let sequence = record.sequence {
            sqlite3_bind_int64(statement, 17, Int64(bitPattern: sequence))
        } else {
            sqlite3_bind_null(statement, 17)
        }
        sqlite3_bind_int64(statement, 18, Int64(bitPattern: record.dedupKey))
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func bind(_ text: String?, at index: Int32, to statement: SQLiteStatement) {
        guard var text else {
            sqlite3_bind_null(statement, index)
            return
        }
        text.withUTF8 { utf8 in
            _ = sqlite3_bind_text(statement, index, UnsafeRawPointer(utf8.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(utf8.count), transient)
        }
    }

    static func step(_ statement: SQLiteStatement, _ db: Database) throws {
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}

/// A thread-safe running total.
final class Counter: Sendable {
    private let total = Mutex(0)

    func add(_ amount: Int) { total.withLock { $0 += amount } }

    var value: Int { total.withLock { $0 } }
}
