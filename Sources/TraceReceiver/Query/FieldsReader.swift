extension LogRecord {
    /// The text of a top-level member of ``fields`` (strings decoded, numbers as written), or `nil`.
    func field(_ name: String) -> String? {
        fieldMember(name)?.text
    }

    /// The text of a top-level member of ``fields`` (as ``field(_:)`` gives it) and whether it is a JSON
    /// number; `nil` when there is no such member or it is `null`.
    func fieldMember(_ name: String) -> (text: String, isNumber: Bool)? {
        Self.fieldMember(name, of: fields)
    }

    /// ``fieldMember(_:)`` of a record whose ``fields`` are `fields`.
    static func fieldMember(_ name: String, of fields: String?) -> (text: String, isNumber: Bool)? {
        guard var fields else { return nil }
        return fields.withUTF8 { bytes -> (text: String, isNumber: Bool)? in
            var scanner = JSONScanner(bytes)
            guard scanner.consume(UInt8(ascii: "{")) else { return nil }
            if scanner.consume(UInt8(ascii: "}")) { return nil }
            while true {
                guard let key = try? scanner.scanValue(), case .string = key.kind else { return nil }
                _ = scanner.consume(UInt8(ascii: ":"))
                guard let value = try? scanner.scanValue() else { return nil }
                if scanner.string(key) == name { return scanner.text(value).map { ($0, value.kind == .number) } }
                guard scanner.consume(UInt8(ascii: ",")) else { return nil }
            }
        }
    }

    /// The nested member `outer.inner` of ``fields`` (e.g. a browser report's `context.url`).
    func field(_ outer: String, _ inner: String) -> String? {
        guard let object = field(outer), object.hasPrefix("{") else { return nil }
        var nested = self
        nested.fields = object
        return nested.field(inner)
    }
}
