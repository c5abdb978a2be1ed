/// An MCP tool call whose arguments cannot be used; reported to the agent as a tool error result
/// (`isError: true`) whose text is ``description``.
enum ToolArgumentError: Error, CustomStringConvertible, Equatable {
    /// A required argument is absent.
    case missing(String)
    /// An argument has the wrong JSON type.
    case wrongType(String, expected: String)
    /// An argument is not one of the allowed values.
    case notOneOf(String, value: String, allowed: [String])
    /// A number is outside the allowed range.
    case outOfRange(String, value: String, range: ClosedRange<Int>)
    /// A `since` that is neither a span back from now nor an RFC 3339 timestamp.
    case unreadableTime(String, value: String)
    /// A request or trace id with characters ids never contain.
    case invalidIdentifier(String)
    /// Arguments the tool does not take.
    case unknown([String], allowed: [String])

    /// A stable machine code.
    var code: String {
        switch self {
        case .missing: "missing_argument"
        case .wrongType: "wrong_type"
        case .notOneOf: "not_allowed"
        case .outOfRange: "out_of_range"
        case .unreadableTime: "unreadable_time"
        case .invalidIdentifier: "invalid_identifier"
        case .unknown: "unknown_argument"
        }
    }

    var description: String {
        switch self {
        case .missing(let name):
            "missing required argument '\(name)'"
        case .wrongType(let name, let expected):
            "argument '\(name)' must be \(expected)"
        case .notOneOf(let name, let value, let allowed):
            "argument '\(name)' is '\(value)'; it must be one of: \(allowed.joined(separator: ", "))"
        case .outOfRange(let name, let value, let range):
            "argument '\(name)' is \(value); it must be a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .unreadableTime(let name, let value):
            "argument '\(name)' is '\(value)'; expected a span back from now like 30s, 30m, 1h, 2d, 1w or an RFC 3339 timestamp like 2026-01-31T10:00:00Z"
        case .invalidIdentifier(let name):
            "argument '\(name)' must be 1–128 characters of A–Z, a–z, 0–9 and . _ : -"
        case .unknown(let names, let allowed):
            "unknown argument(s) \(names.map { "'\($0)'" }.joined(separator: ", ")); this tool takes: \(allowed.joined(separator: ", "))"
        }
    }
}
