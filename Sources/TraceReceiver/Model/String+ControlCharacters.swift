extension String {
    /// This text with every control character (C0, DEL and C1) written as `\uXXXX`, so that text a
    /// sender chose cannot move a terminal's cursor, change its colours or title, or start a line of its
    /// own in a readable view (the CLI's lines, the MCP tools' text).
    package var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: \.isControlCharacter) else { return self }
        var escaped = ""
        escaped.reserveCapacity(utf8.count + 16)
        for scalar in unicodeScalars {
            if scalar.isControlCharacter {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

extension Unicode.Scalar {
    /// C0 controls, DEL and C1 controls (U+0080–U+009F, of which U+009B starts a terminal sequence).
    var isControlCharacter: Bool {
        value < 0x20 || value == 0x7F || (0x80..<0xA0).contains(value)
    }
}
