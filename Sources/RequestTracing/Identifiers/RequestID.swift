/// Rules for `X-Request-ID` values.
///
/// An incoming id is kept when it is 1–128 characters of `[A-Za-z0-9._:-]`; anything else (control
/// characters, spaces, quotes, non-ASCII, over-long values) is replaced by a fresh ``UUIDv7`` and never
/// echoed or logged. The allowed set covers UUIDs, ULIDs, hex ids and `prefix:id` forms while leaving no
/// room for header or log injection.
public enum RequestID {
    /// The longest incoming id that is kept.
    public static let maximumLength = 128

    /// Whether `value` may be used as a request id as it is.
    public static func isValid(_ value: some StringProtocol) -> Bool {
        var count = 0
        for byte in value.utf8 {
            count += 1
            guard count <= maximumLength, isAllowed(byte) else { return false }
        }
        return count > 0
    }

    /// A new request id: a UUIDv7 in lowercase canonical form.
    public static func generate() -> String {
        UUIDv7.generate().description
    }

    /// Returns `candidate` when it is a valid id, otherwise a newly generated one.
    public static func validOrGenerate(_ candidate: String?) -> String {
        if let candidate, isValid(candidate) { return candidate }
        return generate()
    }

    @inline(__always)
    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
            UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
