import Foundation
/// Which browser origins may post reports. Patterns are `scheme://host:port`, with `*` as the port
/// meaning any port (or none), or a lone `*` allowing every origin.
struct OriginPolicy: Sendable {
    private struct Pattern: Sendable {
        var scheme: String
        var host: String
        var port: String?  // nil = any
    }

    private let patterns: [Pattern]
    private let allowsAll: Bool

    init(_ patterns: [String]) {
        allowsAll = patterns.contains("*")
        self.patterns = patterns.compactMap { text in
            guard let origin = Self.split(text) else { return nil }
            return Pattern(scheme: origin.scheme, host: origin.host, port: origin.port == "*" ? nil : origin.port)
        }
    }

    /// Whether `origin` (an `Origin` header value) is allowed.
    func allows(_ origin: String) -> Bool {
        guard let parts = Self.split(origin), parts.port != "*" else { return false }
        if allowsAll { return true }
        return patterns.contains { pattern in
            pattern.scheme == parts.scheme && pattern.host == parts.host && (pattern.port == nil || pattern.port == parts.port)
        }
    }

    /// `scheme://host[:port]` in lowercase, or `nil` when the text is not a bare origin (a path, user
    /// info, control characters or an over-long value all fail).
    private static func split(_ text: String) -> (scheme: String, host: String, port: String?)? {
        guard text.utf8.count <= 256, let separator = text.range(of: "://") else { return nil }
        let scheme = text[..<separator.lowerBound].lowercased()
        let authority = text[separator.upperBound...].lowercased()
        guard scheme == "http" || scheme == "https", !authority.isEmpty,
            authority.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:[]*".contains($0)) })
        else { return nil }
        if authority.hasPrefix("[") {  // IPv6 literal
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let host = String(authority[...close])
            let rest = authority[authority.index(after: close)...]
            if rest.isEmpty { return (scheme, host, nil) }
            guard rest.hasPrefix(":"), rest.count > 1 else { return nil }
            return (scheme, host, String(rest.dropFirst()))
        }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, !parts[0].contains("*") else { return nil }
        if parts.count == 1 { return (scheme, String(parts[0]), nil) }
        let port = String(parts[1])
        guard port == "*" || (!port.isEmpty && port.allSatisfy(\.isNumber)) else { return nil }
        return (scheme, String(parts[0]), port)
    }
}
