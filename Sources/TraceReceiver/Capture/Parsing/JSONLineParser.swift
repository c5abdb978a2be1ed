import Logging

/// Reads a captured line that is one JSON object.
///
/// Our own records (an object with `timestamp`, `level`, `service` and `message`, as RequestTracing's
/// `StructuredLogHandler` writes them) are decoded by the receiver's ``RecordDecoder`` so the result is
/// the record the receiver would have stored from the library's stream. Other loggers' keys are mapped
/// through ``CaptureFieldKey``; keys it does not know are kept verbatim in `fields`. MongoDB's structured
/// log (`{"t":{"$date":…},"s":"E","c":…,"msg":…}`) gives its time and severity letter.
///
/// .NET's loggers: Microsoft.Extensions.Logging's JSON console formatter (`AddJsonConsole()`: `LogLevel`,
/// `Category`, `Message`, `Exception`, the message's values in `State` and, with scopes, the request's
/// `TraceId`, `SpanId`, `RequestId` and `RequestPath` in `Scopes`), and Serilog's compact (`@t`, `@mt`,
/// `@l`, `@x`, `@tr`, `@sp`, properties at the top) and plain (`MessageTemplate`, `Properties`) JSON
/// formatters, whose message template is filled in from the properties (``SerilogMessageTemplate``).
/// Their exception text gives the error, its type and the stack (``DotNetException``).
///
/// Rust's tracing-subscriber puts the message in `fields`; ids one level down (Monolog's `context`, a
/// span's fields, an MDC object) count when the line has none of its own; a stack text that names an
/// exception gives the error; Caddy's and Echo's access logs are requests (``accessLogRequest``). A line that is not
/// exactly one valid object (an array, invalid JSON, nesting deeper than ``JSONScanner/maximumDepth``)
/// or an object with no message-like key is left to the text parsers.
enum JSONLineParser {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    enum Outcome {
        /// One of our own records, decoded exactly as the receiver decodes its input.
        case ours(LogRecord)
        /// A foreign logger's record, mapped to our fields.
        case foreign(ParsedLine)
    }

    /// Message candidates, strongest first.
    private enum MessageRank: Int, Comparable {
        case message, alias, template, body, nested, event, none

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    static func parse(_ line: Bytes, service: String, zone: NaiveTimeZone, receivedAt: Int64) -> Outcome? {
        var scanner = JSONScanner(line)
        guard scanner.peek() == UInt8(ascii: "{"), let object = try? scanner.scanValue() else { return nil }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { return nil }

        if isOwnRecord(object, in: scanner) {
            let decoder = RecordDecoder(source: .capture, defaultService: service, maximumRecordBytes: line.count)
            if case .success(var record) = decoder.decodeObject(object, in: scanner, now: receivedAt) {
                record.source = .capture
                return .ours(record)
            }
        }
        return foreign(object, in: scanner, zone: zone, receivedAt: receivedAt).map(Outcome.foreign)
    }

    /// Whether the object has the four keys every record of ours carries.
    private static func isOwnRecord(_ object: JSONScanner.Value, in scanner: JSONScanner) -> Bool {
        var seen = 0
        let all = 0b1111
        forEachMember(of: object, in: scanner) { keyRange, _, _ in
            let content = unquoted(keyRange)
            if scanner.bytes(content, equal: "timestamp") {
                seen |= 0b0001
            } else if scanner.bytes(content, equal: "level") {
                seen |= 0b0010
            } else if scanner.bytes(content, equal: "service") {
                seen |= 0b0100
            } else if scanner.bytes(content, equal: "message") {
                seen |= 0b1000
            }
            return seen != all
        }
        return seen == all
    }

    private static func foreign(_ object: JSONScanner.Value, in scanner: JSONScanner, zone: NaiveTimeZone, receivedAt: Int64)
        -> ParsedLine?
    {
        var parsed = ParsedLine(message: "")
        var message: String?
        var messageRank = MessageRank.none
        var event: String?
        var timestamp: JSONScanner.Value?
        var timestampPriority = Int.max
        var levelIsNumber = false
        var severity: Logger.Level?
        var name: (Range<Int>, JSONScanner.Value)?
        // MongoDB's `"t":{"$date":…}` and `"s":"E"`, kept aside until the line proves to be MongoDB's.
        var mongoTime: (Range<Int>, JSONScanner.Value)?
        var mongoSeverity: (Range<Int>, JSONScanner.Value)?
        var nestedLevel: Logger.Level?
        // .NET: Serilog's message template and its formatted holes, and the objects whose members are ids
        // or fields, kept aside until the line proves to be Microsoft.Extensions.Logging's (`LogLevel`) or
        // Serilog's (a template).
        var template: String?
        var renderings: JSONScanner.Value?
        var fromMicrosoftLogging = false
        var state: (Range<Int>, JSONScanner.Value)?
        var scopes: (Range<Int>, JSONScanner.Value)?
        var properties: (Range<Int>, JSONScanner.Value)?
        // tracing-subscriber's (Rust) message, inside its `fields`: the message unless the line has one.
        var nestedMessage: (Range<Int>, JSONScanner.Value)?
        // Ids found one level down (Monolog's `context` and `extra`, a Rust span's fields, an MDC object):
        // the line's own, at the top, come first.
        var nestedIDs = CorrelationIDs()
        // A numeric `status`: the line may be a structured access log (see accessLogRequest), which then
        // adds `method` and `path` fields where the line's own fields have none.
        var hasStatus = false
        var ownMethodField = false
        var ownPathField = false

        /// A request object's id (pino's `req.id`), or its `X-Request-ID` header (Caddy's access log:
        /// `"request":{"headers":{"X-Request-Id":["…"]}}`).
        func takeRequestID(from request: JSONScanner.Value) {
            guard parsed.ids.requestID == nil else { return }
            parsed.ids.requestID =
                member("id", of: request, in: scanner).flatMap(scanner.text)
                ?? member("headers", of: request, in: scanner).flatMap { requestIDHeader(in: $0, scanner: scanner) }
        }

        func offerMessage(_ text: String?, _ rank: MessageRank) {
            guard let text, rank < messageRank else { return }
            message = text
            messageRank = rank
        }

        forEachMember(of: object, in: scanner) { rawKey, key, value in
            switch key {
            case .message: offerMessage(scanner.text(value), .message)
            case .messageAlias: offerMessage(scanner.text(value), .alias)
            case .messageTemplate:
                template = scanner.text(value)
                offerMessage(template, .template)
            case .renderings: renderings = value
            case .event: event = scanner.text(value)
            case .body:
                if value.kind == .object {
                    offerMessage(member("stringValue", of: value, in: scanner).flatMap(scanner.text), .body)
                } else {
                    offerMessage(scanner.text(value), .body)
                }
            case .timestamp(let priority):
                if priority < timestampPriority {
                    timestamp = value
                    timestampPriority = priority
                }
            case .level:
                if scanner.bytes(unquoted(rawKey), equal: "LogLevel") { fromMicrosoftLogging = true }
                if let level = RecordDecoder.level(value, in: scanner) {
                    parsed.level = level
                    levelIsNumber = value.kind == .number
                } else if let text = scanner.text(value) {
                    parsed.fields.append(key: "original_level", text: text)
                }
            case .severityNumber:
                severity = scanner.double(value).flatMap(openTelemetrySeverity)
            case .service where value.kind == .object:
                // The Elastic Common Schema nested: `"service":{"name":…,"version":…}`.
                if let name = string("name", of: value, in: scanner), !name.isEmpty { parsed.service = name }
                parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
            case .service:
                if let text = scanner.text(value), !text.isEmpty { parsed.service = text }
            case .name:
                name = (rawKey, value)
            case .requestID:
                if parsed.ids.requestID == nil { parsed.ids.requestID = scanner.text(value) }
            case .request:
                if value.kind == .object {
                    takeRequestID(from: value)
                    parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
                } else if parsed.ids.requestID == nil {
                    parsed.ids.requestID = scanner.text(value)
                }
            case .traceID: parsed.ids.traceID = scanner.text(value).map(Self.traceID)
            case .spanID: parsed.ids.spanID = scanner.text(value)
            case .parentSpanID: parsed.ids.parentSpanID = scanner.text(value).flatMap(Self.nonZeroID)
            case .traceparent:
                if let text = scanner.text(value) { parsed.ids.assignTraceparent(text) }
            case .dotNetException:
                if let text = scanner.text(value) { DotNetException.apply(text, to: &parsed) }
            case .dotNetState: state = (rawKey, value)
            case .dotNetScopes: scopes = (rawKey, value)
            case .serilogProperties: properties = (rawKey, value)
            case .error:
                if value.kind == .object {
                    parsed.error = parsed.error ?? member("message", of: value, in: scanner).flatMap(scanner.text)
                    parsed.errorType =
                        parsed.errorType ?? (member("type", of: value, in: scanner) ?? member("name", of: value, in: scanner))
                        .flatMap(scanner.text)
                    parsed.stack =
                        parsed.stack ?? (member("stack", of: value, in: scanner) ?? member("stack_trace", of: value, in: scanner))
                        .flatMap(scanner.text)
                } else {
                    parsed.error = scanner.text(value)
                }
            case .errorType: parsed.errorType = scanner.text(value)
            case .stack: parsed.stack = scanner.text(value) ?? parsed.stack
            case .durationMS:
                if let duration = scanner.double(value), duration.isFinite {
                    parsed.durationMS = duration
                } else if value.kind != .null {
                    parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
                }
            case .fields where value.kind == .object:
                // Our own `fields`, or tracing-subscriber's JSON (Rust), whose `fields` hold the message.
                forEachMember(of: value, in: scanner) { innerKey, kind, innerValue in
                    if kind == .message, nestedMessage == nil {
                        nestedMessage = (innerKey, innerValue)
                    } else {
                        // An id stays a field too: the line's own id, at the top, may differ from it.
                        _ = takeID(kind, innerValue, in: scanner, into: &nestedIDs)
                        parsed.fields.append(rawKey: innerKey, value: innerValue, in: scanner)
                    }
                    return true
                }
            case .other where value.kind == .object && scanner.bytes(unquoted(rawKey), equal: "request"):
                takeRequestID(from: value)
                parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
            case .other where value.kind == .object && scanner.bytes(unquoted(rawKey), equal: "log"):
                // ECS nested: `"log":{"level":…,"logger":…}` (the level unless a top-level one says otherwise).
                if let level = member("level", of: value, in: scanner).flatMap({ RecordDecoder.level($0, in: scanner) }) {
                    nestedLevel = level
                }
                parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
            case .other where value.kind == .object && scanner.bytes(unquoted(rawKey), equal: "trace"):
                // ECS and OpenTelemetry nested: `"trace":{"id":…}`, `"span":{"id":…}`.
                if let id = string("id", of: value, in: scanner) { parsed.ids.traceID = parsed.ids.traceID ?? id }
                else { parsed.fields.append(rawKey: rawKey, value: value, in: scanner) }
            case .other where value.kind == .object && scanner.bytes(unquoted(rawKey), equal: "span"):
                if let id = string("id", of: value, in: scanner) {
                    parsed.ids.spanID = parsed.ids.spanID ?? id
                } else {
                    takeIDs(within: value, in: scanner, into: &nestedIDs)
                    parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
                }
            case .other where value.kind == .object && scanner.bytes(unquoted(rawKey), equal: "t"):
                mongoTime = (rawKey, value)
            case .other where scanner.bytes(unquoted(rawKey), equal: "s"):
                mongoSeverity = (rawKey, value)
            case .fields, .other:
                let name = unquoted(rawKey)
                if value.kind == .number, scanner.bytes(name, equal: "status") { hasStatus = true }
                if scanner.bytes(name, equal: "method") { ownMethodField = true }
                if scanner.bytes(name, equal: "path") { ownPathField = true }
                takeIDs(within: value, in: scanner, into: &nestedIDs)
                parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
            }
            return true
        }
        parsed.ids.fillGaps(from: nestedIDs)
        if let (rawKey, value) = nestedMessage {
            if messageRank > .nested, let text = scanner.text(value) {
                (message, messageRank) = (text, .nested)
            } else {
                parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
            }
        }
        // MongoDB (4.4 and later): the time is `t.$date`, the level a severity letter in `s`.
        if let (timeKey, timeValue) = mongoTime {
            if timestamp == nil, let date = member("$date", of: timeValue, in: scanner) {
                timestamp = date
            } else {
                parsed.fields.append(rawKey: timeKey, value: timeValue, in: scanner)
            }
        }
        if let (severityKey, severityValue) = mongoSeverity {
            if parsed.level == nil, mongoTime != nil, let level = scanner.text(severityValue).flatMap(Self.mongoSeverity) {
                parsed.level = level
            } else {
                parsed.fields.append(rawKey: severityKey, value: severityValue, in: scanner)
            }
        }

        takeDotNetProperties(
            state: state, scopes: scopes, properties: properties, fromMicrosoftLogging: fromMicrosoftLogging,
            fromSerilog: template != nil, in: scanner, into: &parsed
        )
        if messageRank == .template, let template {
            // The properties by name, read once (a hole is looked up in them, not in the line).
            var values: [String: JSONScanner.Value] = [:]
            for bag in [object] + (properties.map { [$0.1] } ?? []) {
                forEachMember(of: bag, in: scanner) { rawKey, _, value in
                    let name = CaptureBytes.string(scanner.bytes, unquoted(rawKey))
                    if values[name] == nil { values[name] = value }
                    return true
                }
            }
            message = SerilogMessageTemplate.render(template, renderings: renderings.map { texts(of: $0, in: scanner) } ?? []) { name in
                guard let value = values[name] else { return nil }
                if case .string = value.kind { return .string(scanner.string(value)) }
                return .literal(scanner.text(value) ?? "null")
            }
            parsed.fields.append(key: "message_template", text: template)
        }
        let access = hasStatus ? accessLogRequest(object, hasMessage: messageRank != .none, in: scanner) : nil
        if let access {
            if messageRank == .none || message?.isEmpty == true { (message, messageRank) = ("\(access.method) \(access.target) \(access.status)", .body) }
            if parsed.ids.requestID == nil, let id = access.id, !id.isEmpty { parsed.ids.requestID = id }
        }
        if messageRank != .none, let message {
            parsed.message = message
            parsed.event = event
        } else if let event {
            parsed.message = event  // structlog: `event` is the message
        } else {
            return nil
        }
        if parsed.level == nil { parsed.level = nestedLevel ?? severity }
        if let access, parsed.event == nil {
            HTTPCompletionLine.apply(
                method: ownMethodField ? nil : access.method, target: ownPathField ? nil : access.target, status: access.status,
                durationMS: access.durationMS, to: &parsed
            )
        }
        if parsed.errorType == nil, let stack = parsed.stack { StackTraceSplitter.assignException(fromStack: stack, to: &parsed) }
        if let (rawKey, value) = name {
            // bunyan and pino (numeric levels) name the app; python-json-logger names a logger.
            if levelIsNumber, parsed.service == nil, let text = scanner.text(value), !text.isEmpty {
                parsed.service = text
            } else {
                parsed.fields.append(rawKey: rawKey, value: value, in: scanner)
            }
        }
        if let timestamp { parsed.timestamp = time(timestamp, in: scanner, zone: zone, receivedAt: receivedAt) }
        return parsed
    }

    /// Reads `range` of `bytes` when it is exactly one JSON object (Monolog's context after a text line's
    /// message): each member becomes an id, when its key names one the line has none of, or a field.
    /// An empty array (`[]`, PHP's empty context) is read as no members. Returns whether it was either.
    static func takeObject(_ bytes: Bytes, _ range: Range<Int>, into parsed: inout ParsedLine) -> Bool {
        var scanner = JSONScanner(UnsafeBufferPointer(rebasing: bytes[range]))
        guard let value = try? scanner.scanValue() else { return false }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { return false }
        switch value.kind {
        case .object:
            var ids = CorrelationIDs()
            forEachMember(of: value, in: scanner) { rawKey, key, inner in
                _ = takeID(key, inner, in: scanner, into: &ids)
                parsed.fields.append(rawKey: rawKey, value: inner, in: scanner)
                return true
            }
            parsed.ids.fillGaps(from: ids)
            return true
        case .array:
            return elements(of: value, in: scanner).isEmpty
        default:
            return false
        }
    }

    /// Takes a member as an id into `ids` when its key names one and `ids` has none of that kind yet;
    /// returns whether the key named an id.
    static func takeID(_ key: CaptureFieldKey, _ value: JSONScanner.Value, in scanner: JSONScanner, into ids: inout CorrelationIDs) -> Bool {
        switch key {
        case .requestID: ids.requestID = ids.requestID ?? scanner.text(value)
        case .traceID: ids.traceID = ids.traceID ?? scanner.text(value).map(Self.traceID)
        case .spanID: ids.spanID = ids.spanID ?? scanner.text(value)
        case .parentSpanID: ids.parentSpanID = ids.parentSpanID ?? scanner.text(value).flatMap(Self.nonZeroID)
        case .traceparent: if ids.traceID == nil, let text = scanner.text(value) { ids.assignTraceparent(text) }
        default: return false
        }
        return true
    }

    /// The ids among the members of an object value, or of the objects in an array value (one level down,
    /// no deeper), into `ids` where it has none of that kind yet.
    static func takeIDs(within value: JSONScanner.Value, in scanner: JSONScanner, into ids: inout CorrelationIDs) {
        func takeMembers(of object: JSONScanner.Value) {
            forEachMember(of: object, in: scanner) { _, key, inner in
                _ = takeID(key, inner, in: scanner, into: &ids)
                return true
            }
        }
        switch value.kind {
        case .object:
            takeMembers(of: value)
        case .array:
            for element in elements(of: value, in: scanner) where element.kind == .object { takeMembers(of: element) }
        default:
            break
        }
    }

    /// A trace id as logged; Google Cloud's `projects/PROJECT/traces/ID` is the id after `traces/`.
    static func traceID(_ text: String) -> String {
        guard text.hasPrefix("projects/"), let marker = text.firstRange(of: "/traces/") else { return text }
        return String(text[marker.upperBound...])
    }

    /// The elements of an array value.
    static func elements(of array: JSONScanner.Value, in document: JSONScanner) -> [JSONScanner.Value] {
        var scanner = document
        scanner.index = array.range.lowerBound + 1
        var found: [JSONScanner.Value] = []
        while true {
            scanner.skipWhitespace()
            if scanner.consume(UInt8(ascii: "]")) { return found }
            _ = scanner.consume(UInt8(ascii: ","))
            scanner.skipWhitespace()
            guard let value = try? scanner.scanValue() else { return found }
            found.append(value)
        }
    }

    /// Reads a timestamp value: RFC 3339 and the other text forms, epoch numbers in any unit, and
    /// OpenTelemetry's nanoseconds as a decimal string.
    private static func time(_ value: JSONScanner.Value, in scanner: JSONScanner, zone: NaiveTimeZone, receivedAt: Int64)
        -> Int64?
    {
        switch value.kind {
        case .number:
            return scanner.double(value).flatMap(RecordTime.fromEpochNumber)
        case .string(hasEscapes: false):
            let content = value.contentRange
            if let integer = CaptureBytes.integer(scanner.bytes, content) {
                return RecordTime.fromEpochNumber(Double(integer))
            }
            return CaptureTimestamp.parseWhole(scanner.bytes, content, zone: zone, receivedAt: receivedAt)
        case .string:
            return CaptureTimestamp.parse(scanner.string(value), zone: zone, receivedAt: receivedAt)
        default:
            return nil
        }
    }

    /// MongoDB's severities: `F`atal, `E`rror, `W`arning, `I`nfo and debug levels `D1`–`D5`.
    private static func mongoSeverity(_ text: String) -> Logger.Level? {
        switch text {
        case "F": .critical
        case "E": .error
        case "W": .warning
        case "I": .info
        case "D", "D1", "D2", "D3", "D4", "D5": .debug
        default: nil
        }
    }

    /// OpenTelemetry severity numbers: 1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error, 21–24 fatal.
    private static func openTelemetrySeverity(_ number: Double) -> Logger.Level? {
        guard number.rounded() == number, number >= 1, number <= 24 else { return nil }
        let levels: [Logger.Level] = [.trace, .debug, .info, .warning, .error, .critical]
        return levels[(Int(number) - 1) / severityNumbersPerLevel]
    }

    private static let severityNumbersPerLevel = 4

    /// The value of the member named `name` of an object value.
    static func member(_ name: StaticString, of object: JSONScanner.Value, in scanner: JSONScanner) -> JSONScanner.Value? {
        var found: JSONScanner.Value?
        forEachMember(of: object, in: scanner) { rawKey, _, value in
            if scanner.bytes(unquoted(rawKey), equal: name) {
                found = value
                return false
            }
            return true
        }
        return found
    }

    /// A member key's range without its quotes.
    static func unquoted(_ rawKey: Range<Int>) -> Range<Int> {
        rawKey.lowerBound + 1..<rawKey.upperBound - 1
    }

    /// The member `name` of `object` when it is a string.
    static func string(_ name: StaticString, of object: JSONScanner.Value, in scanner: JSONScanner) -> String? {
        guard let value = member(name, of: object, in: scanner), case .string = value.kind else { return nil }
        return scanner.string(value)
    }

    /// The `X-Request-ID` member of a headers object, in any case, as a string or the first of an array
    /// of strings (Go's `http.Header`).
    private static func requestIDHeader(in headers: JSONScanner.Value, scanner: JSONScanner) -> String? {
        guard headers.kind == .object else { return nil }
        var found: String?
        forEachMember(of: headers, in: scanner) { rawKey, _, value in
            let name = unquoted(rawKey)
            guard name.count == 12, CaptureBytes.hasPrefix(scanner.bytes, at: name.lowerBound, "x-request-id", ignoringCase: true, end: name.upperBound)
            else { return true }
            var scalar = value
            if value.kind == .array {
                var inner = scanner
                inner.index = value.range.lowerBound + 1
                inner.skipWhitespace()
                guard let first = try? inner.scanValue() else { return false }
                scalar = first
            }
            if case .string = scalar.kind { found = scanner.string(scalar) }
            return false
        }
        return found
    }

    /// Calls `body` with each member's quoted key range, its meaning and its value, until it returns false.
    static func forEachMember(
        of object: JSONScanner.Value,
        in document: JSONScanner,
        _ body: (Range<Int>, CaptureFieldKey, JSONScanner.Value) -> Bool
    ) {
        var scanner = document
        scanner.index = object.range.lowerBound + 1
        while true {
            scanner.skipWhitespace()
            if scanner.consume(UInt8(ascii: "}")) { return }
            _ = scanner.consume(UInt8(ascii: ","))
            scanner.skipWhitespace()
            guard let keyValue = try? scanner.scanValue(), case .string(let hasEscapes) = keyValue.kind else { return }
            _ = scanner.consume(UInt8(ascii: ":"))
            guard let value = try? scanner.scanValue() else { return }
            let key: CaptureFieldKey
            if hasEscapes {
                let decoded = Array(scanner.string(keyValue).utf8)
                key = decoded.withUnsafeBufferPointer { CaptureFieldKey($0, 0..<$0.count) }
            } else {
                key = CaptureFieldKey(scanner.bytes, keyValue.contentRange)
            }
            guard body(keyValue.range, key, value) else { return }
        }
    }
}
