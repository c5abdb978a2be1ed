/// Why a capture pattern configuration was refused.
public enum CapturePatternError: Error, Equatable, CustomStringConvertible {
    /// The text is not valid YAML.
    case invalidYAML(reason: String)
    /// A value had the wrong shape (`path` says where, `expected` what was wanted).
    case unexpectedShape(path: String, expected: String)
    /// A key that no pattern block understands (a typo, usually).
    case unknownKey(parser: String, key: String)
    /// A regular expression did not compile.
    case invalidRegex(parser: String, key: String, pattern: String, reason: String)
    /// A parser has no `message` pattern (nor a `regex` with a `(?<message>…)` group).
    case missingMessagePattern(parser: String)
    /// The configuration holds no parser at all.
    case noPatterns

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .invalidYAML: "invalid_yaml"
        case .unexpectedShape: "unexpected_shape"
        case .unknownKey: "unknown_key"
        case .invalidRegex: "invalid_regex"
        case .missingMessagePattern: "missing_message_pattern"
        case .noPatterns: "no_patterns"
        }
    }

    /// A sentence for a person.
    public var message: String {
        switch self {
        case .invalidYAML(let reason):
            "the pattern configuration is not valid YAML: \(reason)"
        case .unexpectedShape(let path, let expected):
            "\(path) should be \(expected)"
        case .unknownKey(let parser, let key):
            "parser '\(parser)': unknown key '\(key)' (expected timestamp, level, correlation_id, message or regex)"
        case .invalidRegex(let parser, let key, let pattern, let reason):
            "parser '\(parser)': the \(key) pattern '\(pattern)' is not a valid regular expression: \(reason)"
        case .missingMessagePattern(let parser):
            "parser '\(parser)' has no message pattern (add `message:` or a `regex:` with a (?<message>…) group)"
        case .noPatterns:
            "the configuration has no patterns (expected `patterns:` or `parsers:`)"
        }
    }

    /// The same as ``message``.
    public var description: String { message }
}
