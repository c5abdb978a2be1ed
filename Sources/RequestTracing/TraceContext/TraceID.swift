/// A W3C trace id: 16 bytes, never all zero, written as 32 lowercase hex digits.
public struct TraceID: Sendable, Hashable, CustomStringConvertible {
    /// The most significant 8 bytes.
    public let high: UInt64
    /// The least significant 8 bytes.
    public let low: UInt64

    /// Creates a trace id from its halves; returns `nil` for the invalid all-zero id.
    public init?(high: UInt64, low: UInt64) {
        guard high != 0 || low != 0 else { return nil }
        self.high = high
        self.low = low
    }

    /// Parses 32 lowercase hex digits; returns `nil` for any other form or for all zeros.
    public init?(hex: some StringProtocol) {
        self.init(utf8: Array(hex.utf8)[...])
    }

    init?(utf8 bytes: ArraySlice<UInt8>) {
        guard bytes.count == 32,
            let high = Hex.decode(bytes.prefix(16)),
            let low = Hex.decode(bytes.suffix(16))
        else { return nil }
        self.init(high: high, low: low)
    }

    /// A new random trace id.
    public static func random() -> TraceID {
        TraceID(unchecked: IdentifierRandom.next(), IdentifierRandom.nextNonZero())
    }

    private init(unchecked high: UInt64, _ low: UInt64) {
        self.high = high
        self.low = low
    }

    /// 32 lowercase hex digits.
    public var description: String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            Hex.write(high, digits: 16, into: buffer, at: 0)
            Hex.write(low, digits: 16, into: buffer, at: 16)
            return 32
        }
    }
}
