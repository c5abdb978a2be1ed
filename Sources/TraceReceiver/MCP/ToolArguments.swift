import Logging
import MCP
import RequestTracing

/// Typed, validated access to the `arguments` of one `tools/call`. Every accessor throws a
/// ``ToolArgumentError`` naming the argument and what it should be.
struct ToolArguments {
    let values: [String: Value]

    init(_ values: [String: Value]?) {
        self.values = values ?? [:]
    }

    /// Rejects arguments outside `allowed` (a misspelt filter would otherwise be silently ignored).
    func allowOnly(_ allowed: [String]) throws(ToolArgumentError) {
        let unknown = values.keys.filter { !allowed.contains($0) }.sorted()
        guard unknown.isEmpty else { throw .unknown(unknown, allowed: allowed) }
    }

    /// A string argument; `nil` when absent, null or empty.
    func string(_ name: String) throws(ToolArgumentError) -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text.isEmpty ? nil : text
        default: throw .wrongType(name, expected: "a string")
        }
    }

    /// A required string argument.
    func requiredString(_ name: String) throws(ToolArgumentError) -> String {
        guard let text = try string(name) else { throw .missing(name) }
        return text
    }

    /// A required argument naming one case of `Choice`.
    func required<Choice: RawRepresentable & CaseIterable>(_ name: String, oneOf _: Choice.Type) throws(ToolArgumentError) -> Choice
    where Choice.RawValue == String {
        let text = try requiredString(name)
        guard let choice = Choice(rawValue: text) else {
            throw .notOneOf(name, value: text, allowed: Choice.allCases.map(\.rawValue))
        }
        return choice
    }

    /// A request id or trace id: the characters `X-Request-ID` allows.
    func identifier(_ name: String) throws(ToolArgumentError) -> String? {
        guard let text = try string(name) else { return nil }
        guard RequestID.isValid(text) else { throw .invalidIdentifier(name) }
        return text
    }

    /// A minimum level: a swift-log level name or one of the usual aliases (`warn`, `err`, `fatal`…).
    func level(_ name: String) throws(ToolArgumentError) -> Logger.Level? {
        guard let text = try string(name) else { return nil }
        guard let level = Logger.Level(alias: text) else {
            throw .notOneOf(name, value: text, allowed: Logger.Level.allCases.map(\.rawValue))
        }
        return level
    }

    /// A time: a span back from `now` (`30m`, `1h`, `2d`) or an RFC 3339 timestamp; microseconds.
    func time(_ name: String, now: Int64) throws(ToolArgumentError) -> Int64? {
        guard let text = try string(name) else { return nil }
        guard let time = TimeExpression.parse(text, now: now) else { throw .unreadableTime(name, value: text) }
        return time
    }

    /// Field conditions: an object of field names to the values they must hold (strings, numbers or
    /// booleans), at most ``FieldCondition/maximumConditions``; empty when absent.
    func fieldConditions(_ name: String) throws(ToolArgumentError) -> [FieldCondition] {
        switch values[name] {
        case nil, .null?: return []
        case .object(let members)?:
            let expected = "an object of up to \(FieldCondition.maximumConditions) field names (A–Z, a–z, 0–9, _ . -) to strings, numbers or booleans"
            guard members.count <= FieldCondition.maximumConditions else { throw .wrongType(name, expected: expected) }
            var conditions: [FieldCondition] = []
            for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                let text: String
                switch value {
                case .string(let string): text = string
                case .int(let number): text = String(number)
                case .double(let number): text = String(number)
                case .bool(let flag): text = flag ? "true" : "false"
                default: throw .wrongType(name, expected: expected)
                }
                guard let condition = FieldCondition(key: key, value: text) else { throw .wrongType(name, expected: expected) }
                conditions.append(condition)
            }
            return conditions
        default:
            throw .wrongType(name, expected: "an object of field names to values")
        }
    }

    /// Search text: words the records' message or error must hold, among which `@key=value` words are
    /// field conditions (see ``SearchText``); nil when absent or empty. A text longer than 1,000
    /// characters, or a condition with too long a key or value, is refused.
    func searchText(_ name: String) throws(ToolArgumentError) -> SearchText? {
        guard let text = try string(name) else { return nil }
        let expected = "at most 1000 characters of words, where @key=value is a field condition (\(FieldCondition.limitsDescription))"
        guard text.count <= 1000 else { throw .wrongType(name, expected: expected) }
        do {
            return try SearchText(parsing: text)
        } catch {
            throw .wrongType(name, expected: expected)
        }
    }

    /// A whole number in `range`, `defaultValue` when absent. Whole-valued doubles (`50.0`) and numeric
    /// strings (`"50"`) are accepted, as some clients send them.
    func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) throws(ToolArgumentError) -> Int {
        let number: Int
        switch values[name] {
        case nil, .null?: return defaultValue
        case .int(let value)?: number = value
        case .double(let value)? where value.rounded() == value && abs(value) < 1e15: number = Int(value)
        case .string(let text)?:
            guard let value = Int(text) else { throw .wrongType(name, expected: "a whole number") }
            number = value
        default: throw .wrongType(name, expected: "a whole number")
        }
        guard range.contains(number) else { throw .outOfRange(name, value: String(number), range: range) }
        return number
    }
}
