/// The `trace-flags` byte of a `traceparent`.
public struct TraceFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// The caller may have recorded this trace (`01`).
    public static let sampled = TraceFlags(rawValue: 0x01)
}
