/// A W3C span id (the `parent-id` of a `traceparent`): 8 bytes, never zero, written as 16 lowercase hex
/// digits.
public struct SpanID: Sendable, Hashable, CustomStringConvertible {
    /// The id as a number.
    public let rawValue: UInt64

    /// Creates a span id; returns `nil` for the invalid zero id.
    public init?(rawValue: UInt64) {
        guard rawValue != 0 else { return nil }
        self.rawValue = rawValue
    }

    /// Parses 16 lowercase hex digits; returns `nil` for any other form or for zero.
    public init?(hex: some StringProtocol) {
        self.init(utf8: Array(hex.utf8)[...])
    }

    init?(utf8 bytes: ArraySlice<UInt8>) {
        guard bytes.count == 16, let value = Hex.decode(bytes) else { return nil }
        self.init(rawValue: value)
    }

    /// A new random span id.
    public static func random() -> SpanID {
        SpanID(unchecked: IdentifierRandom.nextNonZero())
    }

    private init(unchecked rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// 16 lowercase hex digits.
    public var description: String {
        Hex.string(rawValue, digits: 16)
    }
}
