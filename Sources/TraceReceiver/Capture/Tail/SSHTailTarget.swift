import RequestTracing

/// A remote file to follow: `[USER@]HOST:PATH`, as `scp` writes it.
///
/// ```swift
/// let target = try SSHTailTarget(parsing: "deploy@api-1.internal:/var/log/app.log")
/// ```
public struct SSHTailTarget: Sendable, Hashable, CustomStringConvertible {
    /// The login name, when given; otherwise ssh's configuration decides.
    public var user: String?
    /// The host name, address or `~/.ssh/config` alias (an IPv6 address without brackets).
    public var host: String
    /// The file's path on the remote host; `~/` at the start means the remote user's home.
    public var path: String

    /// Creates a target from its parts.
    public init(user: String? = nil, host: String, path: String) throws {
        // A slash before the colon makes the text a local path, as `scp` reads it (`logs/app-10:00.log`).
        guard !host.isEmpty, !host.hasPrefix("-"), !host.contains(where: { $0.isWhitespace || $0 == "@" || $0 == "/" }) else {
            throw TailError.invalidRemoteTarget("\(user.map { $0 + "@" } ?? "")\(host):\(path)")
        }
        if let user, user.isEmpty || user.hasPrefix("-") || user.contains(where: \.isWhitespace) {
            throw TailError.invalidRemoteTarget("\(user)@\(host):\(path)")
        }
        guard !path.isEmpty, !path.contains("\0"), !path.contains("\n") else {
            throw TailError.invalidRemoteTarget("\(user.map { $0 + "@" } ?? "")\(host):\(path)")
        }
        self.user = user
        self.host = host
        self.path = path
    }

    /// Parses `[USER@]HOST:PATH`; an IPv6 host goes in brackets (`[::1]:/var/log/app.log`).
    public init(parsing text: String) throws {
        var rest = Substring(text)
        var user: String?
        if let at = rest.firstIndex(of: "@"), rest[..<at].firstIndex(of: ":") == nil {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        let host: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw TailError.invalidRemoteTarget(text)
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.firstIndex(of: ":") else { throw TailError.invalidRemoteTarget(text) }
            host = rest[..<colon]
            rest = rest[rest.index(after: colon)...]
        }
        do {
            try self.init(user: user, host: String(host), path: String(rest))
        } catch {
            throw TailError.invalidRemoteTarget(text)
        }
    }

    /// The destination argument for ssh: `user@host` or `host`.
    public var destination: String {
        user.map { "\($0)@\(host)" } ?? host
    }

    /// `[USER@]HOST:PATH`.
    public var description: String {
        (user.map { "\($0)@" } ?? "") + host.bracketedIfIPv6 + ":" + path
    }
}
