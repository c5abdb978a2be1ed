extension LogRecord {
    /// The record's identity for deduplication: its sender's `instance` and `seq` when both are present
    /// (exact), otherwise its ``contentFingerprint()``. This is the key stored with the record.
    func computeDedupKey() -> UInt64 {
        exactDedupKey() ?? contentFingerprint()
    }

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
