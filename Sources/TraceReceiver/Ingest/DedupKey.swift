/// A record's identities for deduplication, hashed once per ingested record (outside the dedup lock).
struct DedupKeys {
    /// From the sender's `instance` and `seq`, when the record has both.
    let exact: UInt64?
    /// From what the record says (``LogRecord/contentFingerprint()``).
    let content: UInt64
    /// Whether the record was captured from a program's output rather than sent directly.
    let isCapture: Bool

    init(_ record: LogRecord) {
        exact = record.exactDedupKey()
        content = record.contentFingerprint()
        isCapture = record.source == .capture
    }

    /// The key stored with the record (and reloaded after a restart): exact when there is one.
    var stored: UInt64 { exact ?? content }
}

extension LogRecord {

    /// A hash of `instance` and `seq`, or `nil` when the record lacks either.
    func exactDedupKey() -> UInt64? {
        guard let instance, let sequence else { return nil }
        var hasher = StableHasher()
        hasher.combine(1)
        hasher.combine(instance)
        hasher.combine(sequence)
        return hasher.finalize()
    }

    /// A hash of what the record says (timestamp, level, service, event, message, ids, duration, error
    /// and fields), leaving out how it arrived (`source`, `instance`, `seq`), so a line captured from a
    /// program's output matches the same record streamed by the program's log shipper.
    func contentFingerprint() -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(2)
        hasher.combine(UInt64(bitPattern: timestamp))
        hasher.combine(UInt64(level.rank))
        hasher.combine(service)
        hasher.combine(event)
        hasher.combine(message)
        hasher.combine(requestID)
        hasher.combine(traceID)
        hasher.combine(spanID)
        hasher.combine(durationMS.map { $0.bitPattern } ?? 0)
        hasher.combine(error)
        hasher.combine(fields)
        return hasher.finalize()
    }
}
