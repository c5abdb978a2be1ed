extension LogQuery {
    /// Whether `record` meets every criterion except the cursor (used by the in-memory store).
    func matches(_ record: LogRecord, words: [[UInt8]]) -> Bool {
        withUnsafePointer(to: record) { matches($0, words: words) }
    }

    /// ``matches(_:words:)`` for a record read in place, as the in-memory store's scans read them: only
    /// the fields a criterion names are read (a record passed by value is copied, a retain and release
    /// of each of its strings, which touched every string of every record a scan passed).
    func matches(_ record: UnsafePointer<LogRecord>, words: [[UInt8]]) -> Bool {
        if let minimumLevel, record.pointee.level.rank < minimumLevel.rank { return false }
        if let since, record.pointee.timestamp < since { return false }
        if let until, record.pointee.timestamp > until { return false }
        if let source, record.pointee.source != source { return false }
        if let requestID, record.pointee.requestID != requestID { return false }
        if let traceID, record.pointee.traceID != traceID { return false }
        if let service, record.pointee.service != service { return false }
        if let events, !(record.pointee.event.map(events.contains) ?? false) { return false }
        if let requestIDs, !(record.pointee.requestID.map(requestIDs.contains) ?? false) { return false }
        if let traceIDs, !(record.pointee.traceID.map(traceIDs.contains) ?? false) { return false }
        for condition in fieldConditions where !condition.matches(fields: record.pointee.fields) { return false }
        for word in words {
            if !Self.containsWordPrefix(record.pointee.message, word), !Self.containsWordPrefix(record.pointee.error, word) {
                return false
            }
        }
        return true
    }

    /// The query words folded as the SQLite store's full-text index folds text (lowercase, without
    /// diacritics), as UTF-8, for ``matches(_:words:)``.
    var wordBytes: [[UInt8]] { words.map(TextFolding.folded) }

    /// Whether a word of `haystack` begins with `needle` (folded, see ``wordBytes``): what the query
    /// `"needle"*` finds in the SQLite store's FTS5 index, so that `q` finds the same records in both
    /// stores: `gate` finds "Gateway" but `way` does not, and `cafe` finds "Café".
    static func containsWordPrefix(_ haystack: String?, _ needle: [UInt8]) -> Bool {
        guard var haystack else { return false }
        guard !needle.isEmpty else { return true }
        // Folding leaves ASCII as it is (but for case, which the scan ignores), so a match in the text
        // as stored is a match; only text with other characters may need folding to match.
        if let found = haystack.withUTF8({ scan($0, for: needle) }) { return found }
        return TextFolding.folded(haystack).withUnsafeBufferPointer { scan($0, for: needle) } ?? false
    }

    /// Whether `needle` (lowercase) occurs in `text`, ignoring ASCII case, where a word begins; `nil`
    /// when it does not but `text` has characters beyond ASCII (so folding them might find it).
    private static func scan(_ text: UnsafeBufferPointer<UInt8>, for needle: [UInt8]) -> Bool? {
        let first = needle[0]
        let last = text.count - needle.count
        var bits: UInt8 = 0
        var index = 0
        while index <= last {
            let byte = text[index]
            bits |= byte
            if lower(byte) == first, beginsWord(text, at: index) {
                var offset = 1
                while offset < needle.count, lower(text[index + offset]) == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            index += 1
        }
        while index < text.count {
            bits |= text[index]
            index += 1
        }
        return bits < 0x80 ? false : nil
    }

    /// Whether a word begins at `index` (the start of a character): the text starts there, or the
    /// character before it is neither a letter nor a digit (as for the index's tokenizer).
    private static func beginsWord(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index > 0 else { return true }
        let previous = text[index - 1]
        if previous < 0x80 {
            return !(lower(previous) &- UInt8(ascii: "a") < 26 || previous &- UInt8(ascii: "0") < 10)
        }
        var start = index - 1
        while start > 0, text[start] & 0xC0 == 0x80 { start -= 1 }
        var bytes = text[start..<index].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&bytes) else { return true }
        return !(scalar.properties.isAlphabetic || scalar.properties.numericType != nil)
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }
}
