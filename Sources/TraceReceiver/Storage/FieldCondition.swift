/// A search condition on one of a record's ``LogRecord/fields``: `pod=shop-7d9f8`, `status_code=500`.
///
/// It matches a record whose field `key` (a top-level member) holds `value`: a string equal to it, or,
/// when `value` is a number, a number equal to it (`total=12.5` matches `12.50`), or, for `true` and
/// `false`, that boolean. Both stores match alike.
public struct FieldCondition: Sendable, Hashable {
    /// Most conditions one search takes.
    public static let maximumConditions = 8
    /// Longest key and longest value.
    public static let maximumKeyLength = 64
    public static let maximumValueLength = 256

    /// What a condition may hold, as error messages say it.
    static let limitsDescription =
        "the key 1–\(maximumKeyLength) characters of A–Z, a–z, 0–9 and _ . -, the value at most \(maximumValueLength) bytes"

    public let key: String
    public let value: String

    /// `key=value`; `nil` when the key is not 1–64 characters of A–Z, a–z, 0–9 and `_ . -`, or the value
    /// is longer than 256 bytes.
    public init?(parsing text: some StringProtocol) {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        self.init(key: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
    }

    public init?(key: String, value: String) {
        guard (1...Self.maximumKeyLength).contains(key.utf8.count), key.utf8.allSatisfy(CaptureBytes.isNameByte), value.utf8.count <= Self.maximumValueLength
        else { return nil }
        self.key = key
        self.value = value
    }

    /// The value as a number, when it is one (compared numerically with numbers).
    var number: Double? {
        Double(value).flatMap { $0.isFinite ? $0 : nil }
    }

    /// Whether a record whose ``LogRecord/fields`` are `fields` has the field with this value (what the
    /// SQLite store's condition also selects).
    func matches(fields: String?) -> Bool {
        guard let member = LogRecord.fieldMember(key, of: fields) else { return false }
        if member.text == value { return true }
        guard member.isNumber, let number, let stored = Double(member.text) else { return false }
        return stored == number
    }
}
