extension String {
    /// The string without at least its last `count` UTF-8 bytes, cut where a character's encoding begins
    /// (never inside one), and how many bytes were left out. Used to bring a record under a size limit.
    package func droppingUTF8Suffix(atLeast count: Int) -> (kept: String, dropped: Int) {
        let bytes = Array(utf8)
        var keep = Swift.max(0, bytes.count - count)
        // Back to the start of a character: UTF-8 continuation bytes are 0b10xxxxxx.
        while keep > 0, keep < bytes.count, bytes[keep] & 0xC0 == 0x80 { keep -= 1 }
        return (String(decoding: bytes[..<keep], as: UTF8.self), bytes.count - keep)
    }
}
