import Foundation

/// The receiver's answer to one stream message (DESIGN.md `GET /api/stream`).
struct StreamReply: Decodable, Equatable {
    /// A record of the batch the receiver refused (`{"line":k,"reason":"…"}`).
    struct RefusedRecord: Decodable, Equatable {
        var line: Int
        var reason: String
    }

    /// The batch stored (`{"ack":k,"accepted":n,"duplicates":n,"rejected":n,"errors":[…]}`).
    var ack: UInt64?
    /// The batch to resend later (`{"nack":k,"error":"rate_limited","retry_after_ms":n}`).
    var nack: UInt64?
    var accepted: Int?
    var duplicates: Int?
    var rejected: Int?
    var error: String?
    var message: String?
    var errors: [RefusedRecord]?
    var retryAfterMilliseconds: Int?

    enum CodingKeys: String, CodingKey {
        case ack, nack, accepted, duplicates, rejected, error, message, errors
        case retryAfterMilliseconds = "retry_after_ms"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ack = try container.decodeIfPresent(UInt64.self, forKey: .ack)
        nack = try container.decodeIfPresent(UInt64.self, forKey: .nack)
        accepted = try container.decodeIfPresent(Int.self, forKey: .accepted)
        duplicates = try container.decodeIfPresent(Int.self, forKey: .duplicates)
        rejected = try container.decodeIfPresent(Int.self, forKey: .rejected)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        // Only ever shown: an ack whose refusal details cannot be read is still an ack.
        errors = try? container.decodeIfPresent([RefusedRecord].self, forKey: .errors)
        retryAfterMilliseconds = try container.decodeIfPresent(Int.self, forKey: .retryAfterMilliseconds)
    }

    /// Decodes a reply, or `nil` when it is not one.
    static func decode(_ bytes: some Collection<UInt8>) -> StreamReply? {
        try? JSONDecoder().decode(StreamReply.self, from: Data(bytes))
    }
}
