/// A record's identities for deduplication, hashed once per ingested record (outside the dedup lock).
struct DedupKeys {
    /// From the sender's `instance` and `seq`, when the record has both.
    let exact: UInt64?
    /// A hash of what the record says (timestamp, level, service, event, message, ids, duration, error
    /// and fields; the timestamp the record gave, not its arrival, when it was stored at its arrival),
    /// leaving out how it arrived (`source`, `instance`, `seq`), so a line captured from a
    /// program's output matches the same record streamed by the program's log shipper.
    let content: UInt64
    /// Whether the record was captured from a program's output rather than sent directly.
    let isCapture: Bool

    /// The key stored with the record (and reloaded after a restart): exact when there is one.
    var stored: UInt64 { exact ?? content }

    /// The keys of each record, in order.
    ///
    /// Every field is read where it lies in the array (`records[index].service`): handing a whole record
    /// to a function, `map`'s closure included, copies it first, retaining each of its strings and then
    /// releasing them, a dozen atomic operations a record.
    static func of(_ records: [LogRecord]) -> [DedupKeys] {
        var keys: [DedupKeys] = []
        keys.reserveCapacity(records.count)
        for index in records.indices {
            var exact: UInt64?
            if records[index].instance != nil, let sequence = records[index].sequence {
                var hasher = StableHasher()
                hasher.combine(1)
                hasher.combine(records[index].instance)
                hasher.combine(sequence)
                exact = hasher.finalize()
            }
            var hasher = StableHasher()
            hasher.combine(2)
            // A record stored at its arrival carries its own time in `fields`, hashed below.
            hasher.combine(records[index].stampedAtArrival ? 0 : UInt64(bitPattern: records[index].timestamp))
            hasher.combine(UInt64(records[index].level.rank))
            hasher.combine(records[index].service)
            hasher.combine(records[index].event)
            hasher.combine(records[index].message)
            hasher.combine(records[index].requestID)
            hasher.combine(records[index].traceID)
            hasher.combine(records[index].spanID)
            hasher.combine(records[index].durationMS.map { $0.bitPattern } ?? 0)
            hasher.combine(records[index].error)
            hasher.combine(records[index].fields)
            keys.append(DedupKeys(exact: exact, content: hasher.finalize(), isCapture: records[index].source == .capture))
        }
        return keys
    }
}
