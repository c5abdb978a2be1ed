import HTTPTypes

/// Checks the optional ingest token (`Authorization: Bearer <token>`) in constant time.
struct IngestAuthorization: Sendable {
    let token: String?

    func check(_ headers: HTTPFields) throws(ReceiverError) {
        guard let token else { return }
        let presented = headers[.authorization].flatMap { value in
            value.hasPrefix("Bearer ") ? String(value.dropFirst(7)) : nil
        }
        guard let presented, Self.constantTimeEqual(Array(presented.utf8), Array(token.utf8)) else {
            throw ReceiverError(
                .unauthorized, "unauthorized", "this receiver requires an ingest token (Authorization: Bearer <token>)",
                headers: [.wwwAuthenticate: "Bearer"]
            )
        }
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            difference |= (index < lhs.count ? lhs[index] : 0) ^ (index < rhs.count ? rhs[index] : 0)
        }
        return difference == 0
    }
}
