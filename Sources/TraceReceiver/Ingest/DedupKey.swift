extension LogRecord {
    /// The record's identity for deduplication: its sender's `instance` and `seq` when both are present
    /// (exact), otherwise a fingerprint of its content (timestamp, level, service, source, event,
    /// message, ids, duration, error and fields).
    func computeDedupKey() -> UInt64 {
        var hasher = StableHasher()
        if let instance, let sequence {
            hasher.combine(1)
            hasher.combine(instance)
            hasher.combine(sequence)
            return hasher.finalize()
        }
        hasher.combine(2)
        hasher.combine(UInt64(bitPattern: timestamp))
        hasher.combine(UInt64(level.rank) << 8 | UInt64(source.code))
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
