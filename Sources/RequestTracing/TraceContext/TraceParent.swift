/// A W3C `traceparent` header value: `version-traceid-parentid-flags`.
///
/// Parsing follows the Trace Context specification (level 1, §3.2 and §4.3):
/// - version `00` must be exactly 55 characters;
/// - version `ff` is invalid;
/// - a higher, unknown version is accepted when it is at least 55 characters and, if longer, the next
///   character is `-`; its first four fields are read as version 00 and the rest is ignored;
/// - hex must be lowercase; an all-zero trace id or parent id is invalid.
///
/// Emitted values are always version `00`.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// The version the value was received with (`0` for values this library makes).
    public var version: UInt8
    /// The trace this request belongs to.
    public var traceID: TraceID
    /// The span of the caller (the parent of the span the receiver starts).
    public var parentID: SpanID
    /// Trace flags; only ``TraceFlags/sampled`` is defined.
    public var flags: TraceFlags

    /// Creates a version-00 `traceparent`.
    public init(traceID: TraceID, parentID: SpanID, flags: TraceFlags = .sampled) {
        self.version = 0
        self.traceID = traceID
        self.parentID = parentID
        self.flags = flags
    }

    /// Parses a header value; returns `nil` when it is not a valid `traceparent`.
    public init?(_ header: some StringProtocol) {
        let bytes = Array(header.utf8)
        guard bytes.count >= 55,
            bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
            let version = Hex.decode(bytes[0..<2]), version != 0xFF,
            let traceID = TraceID(utf8: bytes[3..<35]),
            let parentID = SpanID(utf8: bytes[36..<52]),
            let flags = Hex.decode(bytes[53..<55])
        else { return nil }
        if version == 0 {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55 {
            guard bytes[55] == UInt8(ascii: "-") else { return nil }
        }
        self.version = UInt8(version)
        self.traceID = traceID
        self.parentID = parentID
        // Unknown flag bits of a version-00 value are not propagated (spec §3.2.2.5).
        self.flags = TraceFlags(rawValue: UInt8(flags) & TraceFlags.sampled.rawValue)
    }

    /// The version-00 header value, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`.
    public var description: String {
        String(unsafeUninitializedCapacity: 55) { buffer in
            buffer[0] = UInt8(ascii: "0")
            buffer[1] = UInt8(ascii: "0")
            buffer[2] = UInt8(ascii: "-")
            Hex.write(traceID.high, digits: 16, into: buffer, at: 3)
            Hex.write(traceID.low, digits: 16, into: buffer, at: 19)
            buffer[35] = UInt8(ascii: "-")
            Hex.write(parentID.rawValue, digits: 16, into: buffer, at: 36)
            buffer[52] = UInt8(ascii: "-")
            Hex.write(UInt64(flags.rawValue), digits: 2, into: buffer, at: 53)
            return 55
        }
    }
}
