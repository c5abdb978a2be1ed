import Logging
import Yams

/// A custom line format from configuration: regular expressions that find a line's timestamp, level,
/// correlation id and message. Custom patterns are tried before the built-in formats; a pattern applies
/// to a line when its message expression matches.
///
/// Two forms. Separate expressions, each taking its value from its first capture group (the whole match
/// when it has none), as in the "Log Format Hints" configuration:
///
/// ```yaml
/// patterns:
///   timestamp: '^\[(.*?)\]'
///   level: '\[(INFO|WARN|ERROR)\]'
///   correlation_id: '\[req:(\w+)\]'
///   message: '\] (.*)'
/// ```
///
/// Or one expression with named groups (`timestamp`, `level`, `correlation_id`, `message`; only
/// `message` is required):
///
/// ```yaml
/// patterns:
///   regex: '^(?<timestamp>\S+) (?<level>\w+) (?<correlation_id>\S+) (?<message>.*)$'
/// ```
///
/// Several named parsers, tried in order:
///
/// ```yaml
/// parsers:
///   - name: legacy-billing
///     patterns:
///       level: '<(\w+)>'
///       message: '> (.*)'
///   - name: worker
///     regex: '^(?<level>[A-Z]+) (?<message>.*)'
/// ```
///
/// The seed configuration's `backend: logs: [{ …, patterns: {…} }]` is read too. Timestamps are read as
/// the built-in parsers read them (RFC 3339 and the common text forms), levels with the usual aliases; a
/// correlation id of 32 hex digits is a trace id, a `traceparent` gives trace and span ids, anything else
/// is a request id.
public struct CapturePattern: Sendable {
    /// The parser's name, used in error messages.
    public let name: String
    private let timestamp: CompiledRegex?
    private let level: CompiledRegex?
    private let correlationID: CompiledRegex?
    private let message: CompiledRegex?
    private let combined: CompiledRegex?

    /// A pattern from separate expressions, each read from its first capture group.
    ///
    /// - Throws: ``CapturePatternError/invalidRegex(parser:key:pattern:reason:)`` when one does not compile.
    public init(
        name: String = "default",
        timestamp: String? = nil,
        level: String? = nil,
        correlationID: String? = nil,
        message: String
    ) throws(CapturePatternError) {
        self.name = name
        self.timestamp = try timestamp.map { source throws(CapturePatternError) in try Self.compile(source, parser: name, key: "timestamp") }
        self.level = try level.map { source throws(CapturePatternError) in try Self.compile(source, parser: name, key: "level") }
        self.correlationID = try correlationID.map { source throws(CapturePatternError) in
            try Self.compile(source, parser: name, key: "correlation_id")
        }
        self.message = try Self.compile(message, parser: name, key: "message")
        self.combined = nil
    }

    /// A pattern from one expression with named groups `timestamp`, `level`, `correlation_id` and `message`.
    ///
    /// - Throws: ``CapturePatternError/invalidRegex(parser:key:pattern:reason:)`` when it does not compile,
    ///   ``CapturePatternError/missingMessagePattern(parser:)`` when it has no `message` group.
    public init(name: String = "default", regex: String) throws(CapturePatternError) {
        guard regex.contains("(?<message>") || regex.contains("(?P<message>") else {
            throw .missingMessagePattern(parser: name)
        }
        self.name = name
        self.combined = try Self.compile(regex, parser: name, key: "regex")
        self.timestamp = nil
        self.level = nil
        self.correlationID = nil
        self.message = nil
    }

    /// Loads the patterns of a YAML configuration (the forms above), in order.
    ///
    /// - Throws: ``CapturePatternError`` for invalid YAML, an unexpected shape, an unknown key, a regular
    ///   expression that does not compile, or a parser without a message pattern.
    public static func load(yaml: String) throws(CapturePatternError) -> [CapturePattern] {
        let root: Any?
        do {
            root = try Yams.load(yaml: yaml)
        } catch {
            throw .invalidYAML(reason: String(describing: error))
        }
        guard let root = root as? [String: Any] else {
            throw .unexpectedShape(path: "the configuration", expected: "a mapping with `patterns:` or `parsers:`")
        }
        var result: [CapturePattern] = []
        if let block = root["patterns"] {
            result.append(try pattern(block, name: (root["name"] as? String) ?? "default", path: "patterns"))
        }
        if let parsers = root["parsers"] {
            guard let list = parsers as? [Any] else { throw .unexpectedShape(path: "parsers", expected: "a list") }
            for (index, item) in list.enumerated() {
                guard let entry = item as? [String: Any] else {
                    throw .unexpectedShape(path: "parsers[\(index)]", expected: "a mapping with `name` and `patterns`")
                }
                let name = (entry["name"] as? String) ?? "parsers[\(index)]"
                if let block = entry["patterns"] {
                    result.append(try pattern(block, name: name, path: "parsers[\(index)].patterns"))
                } else if let regex = entry["regex"] {
                    guard let regex = regex as? String else {
                        throw .unexpectedShape(path: "parsers[\(index)].regex", expected: "a string")
                    }
                    result.append(try CapturePattern(name: name, regex: regex))
                } else {
                    throw .missingMessagePattern(parser: name)
                }
            }
        }
        if let backend = root["backend"] as? [String: Any], let logs = backend["logs"] as? [Any] {
            for (index, item) in logs.enumerated() {
                guard let entry = item as? [String: Any], let block = entry["patterns"] else { continue }
                let name = (entry["name"] as? String) ?? (entry["path"] as? String) ?? "backend.logs[\(index)]"
                result.append(try pattern(block, name: name, path: "backend.logs[\(index)].patterns"))
            }
        }
        guard !result.isEmpty else { throw .noPatterns }
        return result
    }

    private static let keys: Set<String> = ["timestamp", "level", "correlation_id", "message", "regex"]

    private static func pattern(_ block: Any, name: String, path: String) throws(CapturePatternError) -> CapturePattern {
        guard let block = block as? [String: Any] else {
            throw .unexpectedShape(path: path, expected: "a mapping of timestamp, level, correlation_id and message")
        }
        var strings: [String: String] = [:]
        for (key, value) in block {
            guard keys.contains(key) else { throw .unknownKey(parser: name, key: key) }
            guard let text = value as? String else { throw .unexpectedShape(path: "\(path).\(key)", expected: "a string") }
            strings[key] = text
        }
        if let regex = strings["regex"] {
            return try CapturePattern(name: name, regex: regex)
        }
        guard let message = strings["message"] else { throw .missingMessagePattern(parser: name) }
        return try CapturePattern(
            name: name,
            timestamp: strings["timestamp"],
            level: strings["level"],
            correlationID: strings["correlation_id"],
            message: message
        )
    }

    private static func compile(_ source: String, parser: String, key: String) throws(CapturePatternError) -> CompiledRegex {
        do {
            return try CompiledRegex(source)
        } catch {
            throw .invalidRegex(parser: parser, key: key, pattern: source, reason: String(describing: error))
        }
    }

    /// Reads `line` with this pattern; `nil` when the message expression does not match.
    func parse(_ line: String, zone: NaiveTimeZone, receivedAt: Int64) -> ParsedLine? {
        let timestampText: Substring?
        let levelText: Substring?
        let correlationText: Substring?
        var parsed: ParsedLine
        if let combined {
            guard let groups = combined.namedGroups(in: line), let message = groups["message"] else { return nil }
            parsed = ParsedLine(message: String(message))
            timestampText = groups["timestamp"]
            levelText = groups["level"]
            correlationText = groups["correlation_id"]
        } else {
            guard let message = message?.firstGroup(in: line) else { return nil }
            parsed = ParsedLine(message: String(message))
            timestampText = timestamp?.firstGroup(in: line)
            levelText = level?.firstGroup(in: line)
            correlationText = correlationID?.firstGroup(in: line)
        }
        if let timestampText { parsed.timestamp = CaptureTimestamp.parse(String(timestampText), zone: zone, receivedAt: receivedAt) }
        if let levelText { parsed.level = levelText.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Logger.Level(alias: $0) } }
        if let correlationText { parsed.ids.assignUntyped(String(correlationText)) }
        return parsed
    }
}
