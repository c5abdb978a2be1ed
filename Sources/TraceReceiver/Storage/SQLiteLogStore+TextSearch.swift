import GRDB
import GRDBSQLite

extension SQLiteLogStore {
    /// The ids of the records whose message or error matches `match` (an FTS5 query), ascending.
    static func textHits(_ match: String, _ db: Database) throws -> [Int64] {
        var hits: [Int64] = []
        let statement = try db.makeStatement(sql: "SELECT rowid FROM logs_fts WHERE logs_fts MATCH ? ORDER BY rowid")
        try statement.setArguments([match])
        try forEachRow(of: statement, db) { row in
            hits.append(sqlite3_column_int64(row, 0))
            return true
        }
        return hits
    }

    /// A text search with other conditions, for a text that matches many records.
    ///
    /// Walks the ids that the other conditions select, newest first (an index does the ordering), and
    /// keeps those among `hits`: one pass gives the page, the count and the oldest match. Putting the hits
    /// in a temporary table for SQLite to join instead costs a B-tree insert per hit (about 0.3 µs: 40 ms
    /// for a word in an eighth of a million records) before the first row is read; this costs a binary
    /// search per walked id. Without other conditions the walk would be the whole table, so those
    /// searches keep the table.
    static func searchByWalking(_ query: LogQuery, conditions: Filter, hits: [Int64], _ db: Database) throws -> LogPage {
        let limit = max(1, query.limit)
        let statement = try db.makeStatement(sql: "SELECT id, ts FROM logs \(conditions.whereClause) ORDER BY ts DESC, id DESC")
        try statement.setArguments(StatementArguments(conditions.arguments))
        var pageIDs: [Int64] = []
        pageIDs.reserveCapacity(min(limit + 1, 1024))
        var matches = 0
        var oldest: Int64?
        try forEachRow(of: statement, db) { row in
            let id = sqlite3_column_int64(row, 0)
            guard Self.sortedIDs(hits, contains: id) else { return true }
            let timestamp = sqlite3_column_int64(row, 1)
            matches += 1
            oldest = timestamp
            if pageIDs.count <= limit {
                if let cursor = query.cursor, !cursor.precedes(timestamp: timestamp, id: id) { return true }
                pageIDs.append(id)
                return true
            }
            return query.countsAllMatches
        }
        var records = try records(withIDs: pageIDs, db)
        let next = trimToPage(&records, limit: limit)
        guard query.countsAllMatches else {
            return LogPage(records: records, totalCount: records.count, oldestTimestamp: nil, nextCursor: next)
        }
        return LogPage(records: records, totalCount: matches, oldestTimestamp: oldest, nextCursor: next)
    }

    /// Rows of the timestamp index a text search without other conditions walks per text hit before it
    /// gives up (see ``searchTextByWalkingTime(_:hits:_:)``): a walked row costs about a tenth of what a
    /// hit costs joined through the table of hits (a B-tree insert, a row lookup, a sort).
    static let walkedRowsPerHit = 16

    /// A text search without other conditions, for a text that matches many records.
    ///
    /// Walks the timestamp index newest first (from the cursor) and keeps the ids among `hits` until the
    /// page is full; the count is the hits' own (each record has its row in the text index, written and
    /// deleted with it), and the oldest match is the first hit walking from the other end. Joining the
    /// hits through a table instead costs a B-tree insert, a row lookup and a sort for every hit: 0.4 s for
    /// a word in an eighth of a million records. Returns `nil`, for the caller to join them so, when the
    /// walk passes ``walkedRowsPerHit`` rows per hit without filling the page: the matches are old.
    static func searchTextByWalkingTime(_ query: LogQuery, hits: [Int64], _ db: Database) throws -> LogPage? {
        let limit = max(1, query.limit)
        let budget = hits.count * walkedRowsPerHit
        let statement = try db.makeStatement(
            sql: "SELECT id, ts FROM logs INDEXED BY logs_ts \(query.cursor == nil ? "" : "WHERE ts <= ?") ORDER BY ts DESC, id DESC"
        )
        if let cursor = query.cursor { try statement.setArguments([cursor.timestamp]) }
        var pageIDs: [Int64] = []
        pageIDs.reserveCapacity(min(limit + 1, 1024))
        var walked = 0
        try forEachRow(of: statement, db) { row in
            walked += 1
            guard walked <= budget else { return false }
            let id = sqlite3_column_int64(row, 0)
            if let cursor = query.cursor, !cursor.precedes(timestamp: sqlite3_column_int64(row, 1), id: id) { return true }
            guard Self.sortedIDs(hits, contains: id) else { return true }
            pageIDs.append(id)
            return pageIDs.count <= limit
        }
        guard walked <= budget else { return nil }
        var records = try records(withIDs: pageIDs, db)
        let next = trimToPage(&records, limit: limit)
        guard query.countsAllMatches else {
            return LogPage(records: records, totalCount: records.count, oldestTimestamp: nil, nextCursor: next)
        }
        return LogPage(records: records, totalCount: hits.count, oldestTimestamp: try oldestTimestamp(of: hits, budget: budget, db), nextCursor: next)
    }

    /// The oldest timestamp of the records with `hits` (ascending ids): the first of them walking the
    /// timestamp index from its oldest end, or, past `budget` rows, the least of their own timestamps.
    private static func oldestTimestamp(of hits: [Int64], budget: Int, _ db: Database) throws -> Int64? {
        let walk = try db.makeStatement(sql: "SELECT id, ts FROM logs INDEXED BY logs_ts ORDER BY ts, id")
        var oldest: Int64?
        var walked = 0
        try forEachRow(of: walk, db) { row in
            walked += 1
            guard walked <= budget else { return false }
            guard Self.sortedIDs(hits, contains: sqlite3_column_int64(row, 0)) else { return true }
            oldest = sqlite3_column_int64(row, 1)
            return false
        }
        guard walked > budget else { return oldest }
        let lookup = try db.cachedStatement(sql: "SELECT ts FROM logs WHERE id = ?")
        for id in hits {
            try lookup.setArguments([id])
            try forEachRow(of: lookup, db) { row in
                let timestamp = sqlite3_column_int64(row, 0)
                oldest = min(oldest ?? timestamp, timestamp)
                return false
            }
        }
        sqlite3_reset(lookup.sqliteStatement)  // a cached statement: not left part-way through its rows
        return oldest
    }

    /// The records with `ids`, in the order of `ids` (ids no longer stored are left out).
    private static func records(withIDs ids: [Int64], _ db: Database) throws -> [LogRecord] {
        var byID: [Int64: LogRecord] = [:]
        byID.reserveCapacity(ids.count)
        // Chunks stay under SQLite's bound on parameters per statement.
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let sql = "SELECT \(columns) FROM logs WHERE id IN (\(placeholders(chunk.count)))"
            for record in try fetchRecords(db, sql: sql, arguments: StatementArguments(chunk)) {
                byID[record.id] = record
            }
        }
        return ids.compactMap { byID[$0] }
    }

    /// Steps `statement` (arguments bound) row by row, reading columns straight from SQLite: GRDB's row
    /// and value cursors cost about 0.1 µs a row more, which is most of the cost of reading ids. `body`
    /// returns whether to go on.
    private static func forEachRow(of statement: Statement, _ db: Database, _ body: (SQLiteStatement) throws -> Bool) throws {
        let raw = statement.sqliteStatement
        while true {
            let code = sqlite3_step(raw)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            guard try body(raw) else { return }
        }
    }

    /// Whether ascending `ids` holds `id` (binary search).
    private static func sortedIDs(_ ids: [Int64], contains id: Int64) -> Bool {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low &+ high) >> 1
            if ids[middle] < id { low = middle &+ 1 } else { high = middle }
        }
        return low < ids.count && ids[low] == id
    }
}
