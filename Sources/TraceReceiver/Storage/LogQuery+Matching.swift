extension LogQuery {
    /// Whether `record` meets every criterion except the cursor (used by the in-memory store).
    func matches(_ record: LogRecord, words: [[UInt8]]) -> Bool {
        if let requestID, record.requestID != requestID { return false }
        if let traceID, record.traceID != traceID { return false }
        if let service, record.service != service { return false }
        if let source, record.source != source { return false }
        if let events, !(record.event.map(events.contains) ?? false) { return false }
        if let requestIDs, !(record.requestID.map(requestIDs.contains) ?? false) { return false }
        if let minimumLevel, record.level.rank < minimumLevel.rank { return false }
        if let since, record.timestamp < since { return false }
        if let until, record.timestamp > until { return false }
        for word in words {
            if !Self.contains(record.message, word), !Self.contains(record.error, word) { return false }
        }
        return true
    }

    /// The query words as lowercase UTF-8, for ``matches(_:words:)``.
    var wordBytes: [[UInt8]] { words.map { Array($0.utf8) } }

    /// ASCII case-insensitive substring search (`needle` already lowercase).
    static func contains(_ haystack: String?, _ needle: [UInt8]) -> Bool {
        guard var haystack, !needle.isEmpty else { return haystack != nil && needle.isEmpty }
        return haystack.withUTF8 { text in
            guard text.count >= needle.count else { return false }
            let first = needle[0]
            var index = 0
            let last = text.count - needle.count
            while index <= last {
                if Self.lower(text[index]) == first {
                    var offset = 1
                    while offset < needle.count, Self.lower(text[index + offset]) == needle[offset] { offset += 1 }
                    if offset == needle.count { return true }
                }
                index += 1
            }
            return false
        }
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }
}
