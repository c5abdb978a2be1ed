import Foundation
import Logging

/// Turns one captured event (a line, or lines joined by ``MultilineJoiner``) from a program we never
/// changed into a ``LogRecord`` with `source` ``RecordSource/capture``.
///
/// Parsers are tried in order and the first that recognises the line wins:
/// 1. the custom ``CapturePattern``s given at init, in order;
/// 2. a JSON object: our own records (decoded by the receiver's own decoder, so a captured copy has
///    the same content as the streamed one) and the usual JSON loggers (pino, bunyan, structlog,
///    python-json-logger, zap, Go's slog, logrus, OpenTelemetry JSON);
/// 3. glog and klog headers (`E0501 12:00:00.123456 42 file.go:12] …`), NestJS's console logger
///    (`[Nest] 42  - 11/30/2026, 10:00:02 AM   ERROR [Context] …`), Redis (`1:M 30 Nov 2026 09:00:00.123 * …`), logfmt (`time=… level=… msg="…" request_id=…`);
/// 4. bracketed prefixes (`[ts] LEVEL [req:id] [logger] message`, `[ts] [LEVEL] message`);
/// 5. the NCSA combined access log (nginx, Apache);
/// 6. timestamp- or level-led text: Python logging, loguru, log4j/logback, Spring Boot, swift-log,
///    Ruby's Logger, nginx's error log, Go's `log`;
/// 7. plain text, with the level inferred from the words in it (info when nothing says otherwise).
///
/// Whatever the format, correlation ids are taken from named fields first and then from the text, as
/// ``CorrelationScanner`` describes. ANSI colour codes and a trailing CR are removed first; an event
/// longer than ``maximumEventBytes`` is cut (at a character boundary) and the record gets a
/// `truncated_bytes` field. The service is the line's own when the format names it clearly (our
/// records' `service`, bunyan's and pino's `name`), otherwise ``service``.
///
/// ```swift
/// let parser = CaptureParser(service: "billing")
/// let record = parser.parse("2024-01-01 12:00:00,123 ERROR [main] c.x.Billing - charge failed", receivedAt: now)
/// // record.level == .error, record.message == "charge failed"
/// ```
public struct CaptureParser: Sendable {
    /// Longest event parsed; the rest is dropped (64 KiB, the receiver's default record limit).
    public static let maximumEventBytes = 64 * 1024

    /// The service assigned when a line does not name its own.
    public let service: String
    /// Custom patterns, tried before the built-in formats.
    public let patterns: [CapturePattern]
    let zone: NaiveTimeZone

    /// Creates a parser.
    ///
    /// - Parameters:
    ///   - service: The service name for lines that do not carry one (usually the wrapped command's name).
    ///   - patterns: Custom patterns from configuration (see ``CapturePattern/load(yaml:)``), tried first.
    ///   - timeZone: The zone in which timestamps written without one are read; the receiver's own by
    ///     default, since most programs log local time.
    public init(service: String, patterns: [CapturePattern] = [], timeZone: TimeZone = .current) {
        self.service = service
        self.patterns = patterns
        self.zone = NaiveTimeZone(timeZone)
    }

    /// Parses one event.
    ///
    /// - Parameters:
    ///   - event: The line, without its line feed; continuation lines joined with `\n`.
    ///   - receivedAt: When the line was read, in microseconds since the Unix epoch: the record's time
    ///     when the line has no timestamp.
    /// - Returns: The record; never fails (anything unrecognised is plain text).
    public func parse(_ event: String, receivedAt: Int64) -> LogRecord {
        parse(event, receivedAt: receivedAt, prefix: nil)
    }

    /// Parses one event that a process multiplexer wrote under `prefix` (its `NAME | ` already removed):
    /// the prefix's service stands in for ``service``, a replica other than 1 becomes the `replica`
    /// field, and a Kubernetes pod the `pod` field.
    func parse(_ event: String, receivedAt: Int64, prefix: ServicePrefix?) -> LogRecord {
        var event = event
        return event.withUTF8 { bytes in
            guard ANSIEscapes.contains(bytes) else { return parse(bytes: bytes, receivedAt: receivedAt, prefix: prefix) }
            let stripped = ANSIEscapes.strip(bytes)
            return stripped.withUnsafeBufferPointer { parse(bytes: $0, receivedAt: receivedAt, prefix: prefix) }
        }
    }

    private func parse(bytes: UnsafeBufferPointer<UInt8>, receivedAt: Int64, prefix: ServicePrefix?) -> LogRecord {
        let service = prefix?.service ?? service
        var limit = bytes.count
        if limit > Self.maximumEventBytes {
            limit = Self.maximumEventBytes
            // Back up to the start of a UTF-8 sequence.
            while limit > 0, bytes[limit] & 0xC0 == 0x80 { limit -= 1 }
        }
        let truncated = bytes.count - limit
        let whole = CaptureBytes.trimmed(bytes, 0..<limit)
        var (head, tail) = CaptureBytes.firstLine(bytes, whole)
        // A dev server's status symbol (Next.js's `⨯ Error: …`) gives the level and is not the message.
        let symbolLevel = LevelInference.statusSymbol(bytes, head).map { symbol in
            head = CaptureBytes.trimmed(bytes, head.lowerBound + symbol.length..<head.upperBound)
            return symbol.level
        }

        var parsed: ParsedLine?
        var scanMessageOnly = false
        if !patterns.isEmpty {
            let text = CaptureBytes.string(bytes, head)
            for pattern in patterns {
                if let match = pattern.parse(text, zone: zone, receivedAt: receivedAt) {
                    parsed = match
                    break
                }
            }
        }
        if parsed == nil, let first = head.first, bytes[first] == UInt8(ascii: "{") {
            switch JSONLineParser.parse(UnsafeBufferPointer(rebasing: bytes[head]), service: service, zone: zone, receivedAt: receivedAt) {
            case .ours(var record):
                if !tail.isEmpty {
                    let stack = CaptureBytes.string(bytes, tail)
                    record.stack = record.stack.map { $0 + "\n" + stack } ?? stack
                }
                return record
            case .foreign(let line):
                parsed = line
                scanMessageOnly = true
            case nil:
                break
            }
        }
        if parsed == nil {
            parsed =
                DotNetConsoleParser.parse(bytes, head: &head, tail: &tail)
                ?? GlogLineParser.parse(bytes, head, zone: zone, receivedAt: receivedAt)
                ?? NestLineParser.parse(bytes, head, zone: zone)
                ?? RedisLineParser.parse(bytes, head, zone: zone)
                ?? LogfmtLineParser.parse(bytes, head, zone: zone, receivedAt: receivedAt)
                ?? BracketedLineParser.parse(bytes, head, zone: zone, receivedAt: receivedAt)
                ?? AccessLogParser.parse(bytes, head, zone: zone, receivedAt: receivedAt)
                ?? PrefixedLineParser.parse(bytes, head, zone: zone, receivedAt: receivedAt)
        }
        var line = parsed ?? ParsedLine(message: CaptureBytes.string(bytes, head))

        if scanMessageOnly {
            var message = line.message
            message.withUTF8 { CorrelationScanner.scan($0, 0..<$0.count, into: &line.ids) }
        } else {
            CorrelationScanner.scan(bytes, head, into: &line.ids)
        }
        HTTPCompletionLine.apply(to: &line)
        var implied: Logger.Level?
        if line.errorType == nil, let exception = RubyException.header(line.message) {
            (line.errorType, line.error, implied) = (exception.type, exception.message, .error)
        }
        if !tail.isEmpty, PostgresLine.parse(bytes, head) != nil, PostgresLine.assignDetails(bytes, tail, to: &line) { tail = tail.upperBound..<tail.upperBound }
        if !tail.isEmpty, let level = StackTraceSplitter.apply(bytes, head: head, tail: tail, to: &line) { implied = level }
        StackTraceSplitter.applyHeadMarkers(bytes, head: head, tail: tail, to: &line)
        var level = line.level ?? symbolLevel ?? LevelInference.infer(bytes, head) ?? .info
        if let implied { level = level.atLeast(implied) }
        if truncated > 0 { line.fields.append(key: "truncated_bytes", integer: Int64(truncated)) }
        if let replica = prefix?.replica, replica != 1 { line.fields.append(key: "replica", integer: Int64(replica)) }
        if let pod = prefix?.pod { line.fields.append(key: "pod", text: pod) }

        return LogRecord(
            timestamp: line.timestamp ?? receivedAt,
            level: level,
            service: line.service ?? service,
            source: .capture,
            event: line.event,
            message: line.message,
            requestID: line.ids.requestID,
            traceID: line.ids.traceID,
            spanID: line.ids.spanID,
            parentSpanID: line.ids.parentSpanID,
            durationMS: line.durationMS,
            error: line.error,
            errorType: line.errorType,
            stack: line.stack,
            fields: line.fields.finish()
        )
    }
}
