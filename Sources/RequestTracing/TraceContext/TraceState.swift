/// A W3C `tracestate` header value: vendor-specific `key=value` pairs carried alongside `traceparent`.
///
/// This library does not add entries of its own; it passes a received `tracestate` on unchanged, as the
/// specification requires of a participant that does not modify it. Values are validated first so that
/// nothing unsafe is ever forwarded: at most 32 list members and 512 characters, keys of
/// `[a-z0-9_\-*/@]` (starting with a letter or digit), values of printable ASCII without `,` or `=`.
/// An invalid value is dropped whole (spec §3.3.1.1 allows discarding it).
public struct TraceState: Sendable, Hashable, CustomStringConvertible {
    /// Most list members a value may have.
    public static let maximumMembers = 32
    /// Longest value that is kept.
    public static let maximumLength = 512

    /// The validated header value, with empty members and optional whitespace removed.
    public let description: String

    /// Validates a header value (several received `tracestate` fields joined with `,`).
    public init?(_ header: some StringProtocol) {
        let bytes = Array(header.utf8)
        guard bytes.count <= Self.maximumLength else { return nil }
        var members: [ArraySlice<UInt8>] = []
        for rawMember in bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let member = Self.trimmingOptionalWhitespace(rawMember)
            if member.isEmpty { continue }
            guard Self.isValidMember(member) else { return nil }
            members.append(member)
        }
        guard !members.isEmpty, members.count <= Self.maximumMembers else { return nil }
        self.description = String(decoding: Array(members.joined(separator: [UInt8(ascii: ",")])), as: UTF8.self)
    }

    private static func isValidMember(_ member: ArraySlice<UInt8>) -> Bool {
        guard let equals = member.firstIndex(of: UInt8(ascii: "=")) else { return false }
        let key = member[member.startIndex..<equals]
        let value = member[(equals + 1)...]
        guard (1...256).contains(key.count), (1...256).contains(value.count) else { return false }
        guard let first = key.first, isLowerAlphaOrDigit(first) else { return false }
        for byte in key where !(isLowerAlphaOrDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "@"))
        {
            return false
        }
        for byte in value where !(0x20...0x7E).contains(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "=") {
            return false
        }
        return value.last != UInt8(ascii: " ")
    }

    private static func isLowerAlphaOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func trimmingOptionalWhitespace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var result = bytes
        while let first = result.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { result = result.dropFirst() }
        while let last = result.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { result = result.dropLast() }
        return result
    }
}
