import HTTPTypes
import Hummingbird
import NIOCore

extension Request {
    /// Collects the body, refusing (413, before reading when `Content-Length` says so) anything over
    /// `limit` bytes, and decodes it when it is sent compressed (``ContentCoding``); the decoded body
    /// has the same limit.
    func collectBody(limit: Int) async throws -> ByteBuffer {
        let coding = try ContentCoding(header: headers[.contentEncoding])
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw ReceiverError.bodyTooLarge(limit: limit)
        }
        let collected: ByteBuffer
        do {
            collected = try await body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw ReceiverError.bodyTooLarge(limit: limit)
        }
        return try coding.decode(collected, limit: limit)
    }
}

extension Response {
    /// A JSON response from already encoded bytes.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
