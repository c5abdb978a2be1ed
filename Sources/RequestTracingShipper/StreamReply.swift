import Foundation

/// The receiver's answer to one stream message (DESIGN.md `GET /api/stream`).
struct StreamReply: Decodable, Equatable {
    /// The batch stored (`{"ack":k,"accepted":n,"duplicates":n,"rejected":n}`).
    var ack: UInt64?
    /// The batch to resend later (`{"nack":k,"error":"rate_limited","retry_after_ms":n}`).
    var nack: UInt64?
    var accepted: Int?
    var duplicates: Int?
    var rejected: Int?
    var error: String?
    var message: String?
    var retryAfterMilliseconds: Int?

    enum CodingKeys: String, CodingKey {
        case ack, nack, accepted, duplicates, rejected, error, message
        case retryAfterMilliseconds = "retry_after_ms"
    }

    /// Decodes a reply, or `nil` when it is not one.
    static func decode(_ bytes: some Collection<UInt8>) -> StreamReply? {
        try? JSONDecoder().decode(StreamReply.self, from: Data(bytes))
    }
}
