import RequestTracing

extension LogRecord {
    /// The record as one line of compact JSON (no newline) of at most `limit` bytes when that can be done
    /// by cutting its longest text: its stack or its message loses its end, which is replaced by a note
    /// of how many bytes were left out. A record whose other parts alone are over the limit comes back
    /// over it (the receiver then refuses it, and counts it).
    ///
    /// A record with an ``instance`` and a ``sequence`` starts with them (as `instance` and `seq`), where a
    /// log shipper looks for a line's own before adding its own.
    mutating func encodedLine(within limit: Int) -> [UInt8] {
        var encoded = jsonBytes(includingIdentity: true)
        // One cut is enough for the text cut (escaping only ever makes the JSON longer than the text, so
        // cutting as many bytes as are over, plus room for the note, always fits); the second is for a
        // stack too short to take it all, when the message is cut too.
        for _ in 0..<2 where encoded.count > limit {
            let over = encoded.count - limit + Self.cutNoteRoom
            if let stack, stack.utf8.count >= message.utf8.count {
                self.stack = Self.cut(stack, by: over)
            } else {
                message = Self.cut(message, by: over)
            }
            encoded = jsonBytes(includingIdentity: true)
        }
        return encoded
    }

    /// Most bytes a cut note takes in JSON.
    private static let cutNoteRoom = 64

    /// `text` without at least its last `count` bytes (cut where a character begins), ended by a note of
    /// how many bytes were left out.
    private static func cut(_ text: String, by count: Int) -> String {
        let (kept, dropped) = text.droppingUTF8Suffix(atLeast: count)
        return kept + "\n[… \(dropped) more bytes of this event not captured]"
    }
}
