import RequestTracing

/// What happened to one batch: the `POST /api/logs` answer and the stream's ack.
struct IngestResult: Sendable, Equatable {
    var accepted = 0
    var duplicates = 0
    var rejected = 0
    var errors: [DecodedBatch.LineError] = []
    /// Set when the batch was refused whole because a service was over its rate; seconds to wait.
    var retryAfter: Double?

    /// `{"accepted":n,"duplicates":n,"rejected":n,"errors":[{"line":k,"reason":"…"}]}`, with extra
    /// leading members (the stream's `"ack":k`) when given.
    func json(prefix: (key: String, value: Int)? = nil) -> [UInt8] {
        var writer = JSONWriter(capacity: 96 + errors.count * 64)
        writer.byte(UInt8(ascii: "{"))
        if let prefix {
            writer.key(prefix.key, first: true)
            writer.integer(prefix.value)
            writer.byte(UInt8(ascii: ","))
        }
        writer.raw("\"accepted\":")
        writer.integer(accepted)
        writer.raw(",\"duplicates\":")
        writer.integer(duplicates)
        writer.raw(",\"rejected\":")
        writer.integer(rejected)
        writer.raw(",\"errors\":[")
        for (index, error) in errors.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.raw("{\"line\":")
            writer.integer(error.line)
            writer.raw(",\"reason\":")
            writer.string(error.reason)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.raw("]}")
        return writer.bytes
    }
}
