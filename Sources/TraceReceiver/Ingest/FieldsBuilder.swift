import RequestTracing

/// Accumulates a record's extra fields as the text of one compact JSON object.
struct FieldsBuilder {
    private var bytes: [UInt8] = []

    /// Appends `"key":value` copied from the input (`rawKey` spans the quoted key).
    mutating func append(rawKey: Range<Int>, value: JSONScanner.Value, in scanner: JSONScanner) {
        separator()
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scanner.bytes[rawKey]))
        bytes.append(UInt8(ascii: ":"))
        scanner.appendCompact(value.range, to: &bytes)
    }

    /// Appends every member of an object value.
    mutating func appendMembers(of object: JSONScanner.Value, in scanner: JSONScanner) {
        var inner = object.range.lowerBound + 1..<object.range.upperBound - 1
        // Trim whitespace so an empty object adds nothing.
        while let first = inner.first, Self.isWhitespace(scanner.bytes[first]) { inner = inner.dropFirst() }
        guard !inner.isEmpty else { return }
        separator()
        scanner.appendCompact(inner, to: &bytes)
    }

    /// Appends a string field.
    mutating func append(key: String, text: String) {
        separator()
        var writer = JSONWriter(capacity: key.utf8.count + text.utf8.count + 8)
        writer.key(key, first: true)
        writer.string(text)
        bytes.append(contentsOf: writer.bytes)
    }

    /// Appends an integer field.
    mutating func append(key: String, integer: Int64) {
        separator()
        var writer = JSONWriter(capacity: key.utf8.count + 4)
        writer.key(key, first: true)
        bytes.append(contentsOf: writer.bytes)
        bytes.append(contentsOf: String(integer).utf8)
    }

    /// The finished object text, or `nil` when there were no fields.
    func finish() -> String? {
        guard !bytes.isEmpty else { return nil }
        var object: [UInt8] = [UInt8(ascii: "{")]
        object.reserveCapacity(bytes.count + 2)
        object.append(contentsOf: bytes)
        object.append(UInt8(ascii: "}"))
        return String(decoding: object, as: UTF8.self)
    }

    private mutating func separator() {
        if !bytes.isEmpty { bytes.append(UInt8(ascii: ",")) }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
