/// Finds correlation ids in free text.
///
/// Precedence, strongest first (a slot already filled from a named field is never overwritten):
/// 1. a labelled value: `req:ID`, `request_id=ID`, `requestId: ID`, `x-request-id=ID`, `request.id=ID` (also
///    as the end of a dotted key: Hummingbird's `hb.request.id=ID`, ECS's `http.request.id=ID`),
///    `correlation_id=ID`, `"request_id":"ID"` → request id; `trace_id=ID` / `traceId=ID` → trace id (a
///    non-hex trace label value is a request id); `traceparent=00-…` → trace and span ids;
/// 2. an unlabelled `traceparent` value `00-<32 hex>-<16 hex>-<2 hex>` → trace and span ids;
/// 3. a whole UUID (8-4-4-4-12 hex digits) that is not a URL path segment → request id;
/// 4. a standalone run of exactly 32 hex digits → trace id;
/// 5. only when nothing above matched: a UUID that is a URL path segment (`/orders/<uuid>`) → request
///    id, since that is more often the id of a resource than of a request.
///
/// The first occurrence of each kind wins. Scanning is one pass over the bytes without allocation
/// until a value is taken.
enum CorrelationScanner {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Longest labelled value taken (the X-Request-ID limit of DESIGN.md).
    static let maximumValueLength = 128

    private enum Label {
        case request, trace, traceparent, untyped
    }

    /// Labels, case-insensitive, longest first where one is a prefix of another.
    private static let labels: [(StaticString, Label)] = [
        ("x-request-id", .request), ("request_id", .request), ("request-id", .request), ("request.id", .request), ("requestid", .request),
        ("req_id", .request), ("req-id", .request), ("reqid", .request), ("req", .request),
        ("correlation_id", .request), ("correlation-id", .request), ("correlationid", .request),
        ("traceparent", .traceparent), ("trace_id", .trace), ("trace-id", .trace), ("traceid", .trace), ("trace", .untyped),
    ]

    /// Fills the empty slots of `ids` from `bytes[range]`.
    static func scan(_ bytes: Bytes, _ range: Range<Int>, into ids: inout CorrelationIDs) {
        guard ids.requestID == nil || ids.traceID == nil || ids.spanID == nil else { return }
        var labelledRequest: String?
        var labelledTrace: String?
        var untyped: String?
        var parent: (Range<Int>, Range<Int>)?
        var bareUUID: Range<Int>?
        var pathUUID: Range<Int>?
        var hexTrace: Range<Int>?

        var index = range.lowerBound
        let end = range.upperBound
        while index < end {
            let byte = bytes[index]
            let previous: UInt8 = index > range.lowerBound ? bytes[index - 1] : 0x20
            guard !CaptureBytes.isAlnum(previous), previous != UInt8(ascii: "_") else {
                index += 1
                continue
            }
            let lower = byte | 0x20
            if lower == UInt8(ascii: "r") || lower == UInt8(ascii: "x") || lower == UInt8(ascii: "c") || lower == UInt8(ascii: "t"),
                let (label, value, next) = labelled(bytes, at: index, end: end, after: previous)
            {
                let text = CaptureBytes.string(bytes, value)
                switch label {
                case .request: if labelledRequest == nil { labelledRequest = text }
                case .trace:
                    if CorrelationIDs.isTraceID(text) {
                        if labelledTrace == nil { labelledTrace = text.lowercased() }
                    } else if untyped == nil {
                        untyped = text
                    }
                case .traceparent:
                    if parent == nil, let found = traceparent(bytes, at: value.lowerBound) { parent = found }
                case .untyped:
                    if CorrelationIDs.isTraceID(text) {
                        if labelledTrace == nil { labelledTrace = text.lowercased() }
                    } else if untyped == nil {
                        untyped = text
                    }
                }
                index = next
                continue
            }
            guard CaptureBytes.isHex(byte) else {
                index += 1
                continue
            }
            var runEnd = index
            while runEnd < end, CaptureBytes.isHex(bytes[runEnd]) { runEnd += 1 }
            let run = runEnd - index
            let after: UInt8 = runEnd < end ? bytes[runEnd] : 0x20
            if run == 2, after == UInt8(ascii: "-"), parent == nil, let found = traceparent(bytes, at: index, end: end) {
                parent = found
                index = found.1.upperBound + 3
                continue
            }
            if run == 8, after == UInt8(ascii: "-"), let uuidEnd = uuid(bytes, at: index, end: end) {
                if previous == UInt8(ascii: "/") {
                    if pathUUID == nil { pathUUID = index..<uuidEnd }
                } else if bareUUID == nil {
                    bareUUID = index..<uuidEnd
                }
                index = uuidEnd
                continue
            }
            if run == CorrelationIDs.traceIDLength, !CaptureBytes.isAlnum(after), after != UInt8(ascii: "_"), hexTrace == nil {
                hexTrace = index..<runEnd
            }
            index = runEnd
        }

        if let (trace, span) = parent {
            if ids.traceID == nil { ids.traceID = CaptureBytes.string(bytes, trace).lowercased() }
            if ids.spanID == nil { ids.spanID = CaptureBytes.string(bytes, span).lowercased() }
        }
        if ids.requestID == nil {
            ids.requestID = labelledRequest ?? bareUUID.map { CaptureBytes.string(bytes, $0) } ?? untyped
        }
        if ids.traceID == nil {
            ids.traceID = labelledTrace ?? hexTrace.map { CaptureBytes.string(bytes, $0).lowercased() }
        }
        if ids.requestID == nil, ids.traceID == nil, let pathUUID {
            ids.requestID = CaptureBytes.string(bytes, pathUUID)
        }
    }

    /// A label at `index` followed by `=`, `:` (optionally a space and a quote), and its value. A label in
    /// quotes (`"request_id":"…"`, `'request_id': '…'`, as in JSON or a Python dict printed in a message)
    /// counts when `previous`, the byte before it, is the same quote as the one after it.
    private static func labelled(_ bytes: Bytes, at index: Int, end: Int, after previous: UInt8) -> (Label, Range<Int>, Int)? {
        for (name, label) in labels where CaptureBytes.hasPrefix(bytes, at: index, name, ignoringCase: true, end: end) {
            var cursor = index + name.utf8CodeUnitCount
            guard cursor < end else { return nil }
            if isQuote(previous), bytes[cursor] == previous {
                cursor += 1
                guard cursor < end else { return nil }
            }
            let separator = bytes[cursor]
            // A longer label sharing this prefix (`request_id` vs `req`) is tried first; anything else
            // directly after the label means it was a longer word.
            guard separator == UInt8(ascii: "=") || separator == UInt8(ascii: ":") else { continue }
            cursor += 1
            if cursor < end, bytes[cursor] == 0x20 { cursor += 1 }
            var quote: UInt8?
            if cursor < end, isQuote(bytes[cursor]) {
                quote = bytes[cursor]
                cursor += 1
            }
            let start = cursor
            while cursor < end, cursor - start < maximumValueLength, isValueByte(bytes[cursor]) { cursor += 1 }
            // A trailing `:` or `.` ends a sentence rather than the id.
            var valueEnd = cursor
            while valueEnd > start, bytes[valueEnd - 1] == UInt8(ascii: ":") || bytes[valueEnd - 1] == UInt8(ascii: ".") {
                valueEnd -= 1
            }
            guard valueEnd > start else { return nil }
            if let quote, cursor < end, bytes[cursor] == quote { cursor += 1 }
            return (label, start..<valueEnd, cursor)
        }
        return nil
    }

    @inline(__always) private static func isQuote(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    /// The characters of an X-Request-ID: `[A-Za-z0-9._:-]`.
    @inline(__always) private static func isValueByte(_ byte: UInt8) -> Bool {
        CaptureBytes.isAlnum(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: ":")
    }

    /// The end of a UUID (`8-4-4-4-12` hex digits) starting at `index`, when it is a whole word.
    static func uuid(_ bytes: Bytes, at index: Int, end: Int? = nil) -> Int? {
        let end = end ?? bytes.count
        var cursor = index
        for (group, length) in uuidGroups.enumerated() {
            if group > 0 {
                guard cursor < end, bytes[cursor] == UInt8(ascii: "-") else { return nil }
                cursor += 1
            }
            for _ in 0..<length {
                guard cursor < end, CaptureBytes.isHex(bytes[cursor]) else { return nil }
                cursor += 1
            }
        }
        if cursor < end, CaptureBytes.isAlnum(bytes[cursor]) || bytes[cursor] == UInt8(ascii: "-") { return nil }
        return cursor
    }

    private static let uuidGroups = [8, 4, 4, 4, 12]

    /// The trace-id and span-id ranges of `00-<32 hex>-<16 hex>-<2 hex>` at `index`.
    static func traceparent(_ bytes: Bytes, at index: Int, end: Int? = nil) -> (Range<Int>, Range<Int>)? {
        let end = end ?? bytes.count
        let traceStart = index + 3
        let spanStart = traceStart + CorrelationIDs.traceIDLength + 1
        let flagsStart = spanStart + CorrelationIDs.spanIDLength + 1
        guard flagsStart + 2 <= end, bytes[index] == UInt8(ascii: "0"), bytes[index + 1] == UInt8(ascii: "0"),
            bytes[index + 2] == UInt8(ascii: "-"), bytes[spanStart - 1] == UInt8(ascii: "-"),
            bytes[flagsStart - 1] == UInt8(ascii: "-")
        else { return nil }
        for offset in traceStart..<spanStart - 1 where !CaptureBytes.isHex(bytes[offset]) { return nil }
        for offset in spanStart..<flagsStart - 1 where !CaptureBytes.isHex(bytes[offset]) { return nil }
        guard CaptureBytes.isHex(bytes[flagsStart]), CaptureBytes.isHex(bytes[flagsStart + 1]) else { return nil }
        if flagsStart + 2 < end, CaptureBytes.isAlnum(bytes[flagsStart + 2]) { return nil }
        return (traceStart..<spanStart - 1, spanStart..<flagsStart - 1)
    }
}
