import Foundation

/// A trace receiver's address, as `TRACE_RECEIVER_URL` and `--receiver` give it, read the same way by
/// every tool: `http(s)://HOST[:PORT][/PREFIX]`, the stream's own `ws(s)://…/api/stream`, or a bare
/// `HOST:PORT` (meaning `http`).
///
/// ```swift
/// ReceiverAddress("127.0.0.1:7890")?.baseURL      // "http://127.0.0.1:7890"
/// ReceiverAddress("https://traces.example.com/")?.streamURL  // "wss://traces.example.com/api/stream"
/// ```
public struct ReceiverAddress: Sendable, Hashable, CustomStringConvertible {
    /// `http(s)://HOST[:PORT][/PREFIX]` without a trailing slash: where the query API and the web page are.
    public let baseURL: String
    /// The `/api/stream` WebSocket URL the shipper streams to.
    public let streamURL: String
    /// Whether the receiver sits under a path (behind a proxy) rather than at the root of its host.
    public let hasPathPrefix: Bool

    /// Reads `text`; `nil` when it is not a receiver's address: it needs a host, may have a port from 1
    /// to 65535 and a path, and may not have credentials, a query or a fragment (`http://user:pw@host/x?y`
    /// would otherwise name host `user`).
    public init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        let secure: Bool
        let lowered = rest.lowercased()
        if let scheme = ["http://", "https://", "ws://", "wss://"].first(where: { lowered.hasPrefix($0) }) {
            secure = scheme == "https://" || scheme == "wss://"
            rest = rest.dropFirst(scheme.count)
        } else {
            guard !lowered.contains("://") else { return nil }
            secure = false
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        if rest.hasSuffix("/api/stream") { rest = rest.dropLast("/api/stream".count) }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        let base = (secure ? "https://" : "http://") + rest
        guard let url = URLComponents(string: base), let host = url.host, !host.isEmpty,
            url.user == nil, url.password == nil, url.query == nil, url.fragment == nil,
            url.port.map({ (1...65_535).contains($0) }) ?? true
        else { return nil }
        baseURL = base
        streamURL = (secure ? "wss://" : "ws://") + rest + "/api/stream"
        hasPathPrefix = !url.path.isEmpty
    }

    public var description: String { baseURL }
}
