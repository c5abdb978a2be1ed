/// Serilog's message templates (`Order {OrderId} placed by {@User}`), filled in as Serilog renders them,
/// for lines that carry the template and the properties but not the rendered message: the compact JSON
/// formatter's `@mt` and the plain JSON formatter's `MessageTemplate`.
enum SerilogMessageTemplate {
    /// A property's value, as a hole shows it.
    enum Value {
        /// Shown in double quotes, unless the hole's format is `l` (literal), as Serilog shows strings.
        case string(String)
        /// Shown as it is: a number, `true`, `false`, `null`, or an object or array's JSON.
        case literal(String)
    }

    /// Fills in `template`'s holes. `{{` and `}}` are braces. A hole `{Name}` (also `{@Name}`, `{$Name}`,
    /// with an alignment `,10` or a format `:0.00` after the name) shows `value(Name)`; a hole with a
    /// format shows the next of `renderings` (the compact formatter's `@r`, which holds the formatted
    /// holes in order) when there is one. A hole whose property is missing, and anything that is not a
    /// hole, stays as written. Alignment is not applied.
    ///
    /// Holes stop being filled once the message has ``maximumBytes`` (a short template naming a large
    /// property many times would otherwise make a message of any size); the rest stays as written.
    static func render(_ template: String, renderings: [String], value: (String) -> Value?) -> String {
        let bytes = Array(template.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var nextRendering = renderings.startIndex
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if (byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}")), index + 1 < bytes.count, bytes[index + 1] == byte {
                output.append(byte)
                index += 2
                continue
            }
            guard byte == UInt8(ascii: "{"), output.count < maximumBytes, let hole = hole(in: bytes, at: index) else {
                output.append(byte)
                index += 1
                continue
            }
            let text: String?
            if hole.format != nil, nextRendering < renderings.endIndex {
                text = renderings[nextRendering]
                nextRendering += 1
            } else {
                switch value(hole.name) {
                case .string(let string): text = hole.format == "l" ? string : "\"" + string.replacing("\"", with: "\\\"") + "\""
                case .literal(let literal): text = literal
                case nil: text = nil
                }
            }
            if let text { output.append(contentsOf: text.utf8) } else { output.append(contentsOf: bytes[index..<hole.end]) }
            index = hole.end
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Length of the message past which holes are left as written (the receiver's default record limit).
    static let maximumBytes = 64 * 1024

    /// A hole starting at `start` (its `{`): the property's name, its format, and the index after its `}`.
    private static func hole(in bytes: [UInt8], at start: Int) -> (name: String, format: String?, end: Int)? {
        var index = start + 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "@") || bytes[index] == UInt8(ascii: "$") { index += 1 }
        let nameStart = index
        while index < bytes.count, CaptureBytes.isAlnum(bytes[index]) || bytes[index] == UInt8(ascii: "_") { index += 1 }
        guard index > nameStart, index < bytes.count else { return nil }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let digits = index
            while index < bytes.count, CaptureBytes.isDigit(bytes[index]) { index += 1 }
            guard index > digits, index < bytes.count else { return nil }
        }
        var format: String?
        if bytes[index] == UInt8(ascii: ":") {
            let formatStart = index + 1
            guard let close = bytes[formatStart...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
            format = String(decoding: bytes[formatStart..<close], as: UTF8.self)
            index = close
        }
        guard bytes[index] == UInt8(ascii: "}") else { return nil }
        return (name, format, index + 1)
    }
}
