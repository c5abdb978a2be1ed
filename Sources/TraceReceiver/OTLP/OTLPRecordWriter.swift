import RequestTracing

/// Writes the parts OTLP log records and spans share when they become records of ours (DESIGN.md's
/// shape): timestamps, hex ids, and attributes, of which the exception and request-id ones have keys
/// of their own and the others go under `fields`.
enum OTLPRecordWriter {
    /// Attributes with a place of their own in a record (OpenTelemetry's semantic conventions for
    /// exceptions, and the names a request id goes by).
    private enum Role {
        case error, errorType, stack, requestID
    }

    private static let roles: [String: Role] = [
        "exception.message": .error, "exception.type": .errorType, "exception.stacktrace": .stack,
        "request_id": .requestID, "request.id": .requestID, "http.request.header.x-request-id": .requestID,
    ]

    /// `,"timestamp":"…"` for a time in nanoseconds since 1970, or nothing for 0 (unknown: the record is
    /// stamped at its arrival).
    static func writeTimestamp(_ nanoseconds: UInt64, to writer: inout JSONWriter) {
        guard nanoseconds != 0 else { return }
        writer.key("timestamp")
        writer.string(RecordTime.format(Int64(nanoseconds / 1_000)))
    }

    /// `,"<key>":"<hex>"` for an id of `count` bytes that is not all zero (an all-zero or short id is no id).
    static func writeID(_ key: String, _ bytes: [UInt8], count: Int, to writer: inout JSONWriter) {
        guard bytes.count == count, bytes.contains(where: { $0 != 0 }) else { return }
        writer.key(key)
        OTLPValue.writeHex(bytes, to: &writer)
    }

    /// The request id the attributes carry, if any.
    static func requestID(in attributes: [(key: String, value: OTLPValue)]) -> String? {
        attributes.lazy.filter { roles[$0.key] == .requestID }.compactMap { firstText($0.value) }.first
    }

    /// `error`, `error_type`, `stack` and `request_id` from the attributes that carry them (the request id
    /// `inheritedRequestID` when none does), then the other attributes and `extraFields` (each left out
    /// when an attribute has its name) as `fields`.
    static func writeAttributes(
        _ attributes: [(key: String, value: OTLPValue)], extraFields: [(key: String, value: OTLPValue)] = [],
        inheritedRequestID: String? = nil, to writer: inout JSONWriter
    ) {
        if let inheritedRequestID, requestID(in: attributes) == nil {
            writer.key("request_id")
            writer.string(inheritedRequestID)
        }
        var fields: [(key: String, value: OTLPValue)] = []
        for attribute in attributes {
            switch roles[attribute.key] {
            case .error?: writer.key("error")
            case .errorType?: writer.key("error_type")
            case .stack?: writer.key("stack")
            case .requestID?:
                // A header attribute is an array of the header's values.
                guard let id = firstText(attribute.value) else { continue }
                writer.key("request_id")
                writer.string(id)
                continue
            case nil:
                fields.append(attribute)
                continue
            }
            writer.string(attribute.value.text)
        }
        for extra in extraFields where !fields.contains(where: { $0.key == extra.key }) { fields.append(extra) }
        guard !fields.isEmpty else { return }
        writer.key("fields")
        OTLPValue.keyValues(fields).write(to: &writer)
    }

    /// The text of an attribute named `key`, if there is one.
    static func text(of key: String, in attributes: [(key: String, value: OTLPValue)]) -> String? {
        attributes.last { $0.key == key }.map(\.value.text)
    }

    /// A string value, or the first string of an array.
    private static func firstText(_ value: OTLPValue) -> String? {
        switch value {
        case .string(let text): text.isEmpty ? nil : text
        case .array(let values): values.lazy.compactMap(firstText).first
        default: nil
        }
    }
}
