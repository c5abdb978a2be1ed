import HTTPTypes
import Hummingbird
import NIOCore

/// The client address a per-client limit is keyed on: the socket peer, or, when the peer is a trusted
/// proxy, the nearest untrusted address in its `X-Forwarded-For`.
struct ClientAddress: Sendable {
    let trustedProxies: Set<String>

    func address(peer: SocketAddress?, headers: HTTPFields) -> String {
        let peerAddress = peer?.ipAddress ?? "unknown"
        guard trustedProxies.contains(peerAddress), let forwarded = headers[.xForwardedFor] else { return peerAddress }
        // Walk from the right: each trusted proxy appended the address it received from.
        for candidate in forwarded.split(separator: ",").reversed() {
            let address = candidate.trimmingCharacters(in: .whitespaces)
            guard Self.looksLikeIPAddress(address) else { return peerAddress }
            if !trustedProxies.contains(address) { return address }
        }
        return peerAddress
    }

    private static func looksLikeIPAddress(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 45 && text.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

import Foundation
