import HTTPTypes
import Hummingbird
import NIOCore
import RequestTracing

/// An error answered as `{"error":"<code>","message":"<sentence>"}` with its status and headers.
struct ReceiverError: HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        var writer = JSONWriter(capacity: 64 + message.utf8.count)
        writer.raw("{\"error\":")
        writer.string(code)
        writer.raw(",\"message\":")
        writer.string(message)
        writer.raw("}\n")
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    static func rateLimited(_ what: String, retryAfter seconds: Double) -> ReceiverError {
        let whole = max(1, Int(seconds.rounded(.up)))
        return ReceiverError(
            .tooManyRequests, "rate_limited", "\(what); retry after \(whole) s",
            headers: [.retryAfter: String(whole)]
        )
    }

    static func bodyTooLarge(limit: Int) -> ReceiverError {
        ReceiverError(.contentTooLarge, "body_too_large", "request body exceeds the limit of \(limit) bytes")
    }

    /// Nothing of the request was stored because the store cannot write: 507 when its disk is full,
    /// 503 otherwise, each with a `Retry-After`.
    static func storeWrite(_ error: StoreWriteError) -> ReceiverError {
        switch error.reason {
        case .full:
            ReceiverError(
                HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), "store_full",
                "\(error); nothing from this request was stored. Free space there, or lower the retention size so older records are deleted, and send it again",
                headers: [.retryAfter: String(error.retryAfterSeconds)]
            )
        case .failed:
            ReceiverError(
                .serviceUnavailable, "store_failed", "\(error); nothing from this request was stored, send it again",
                headers: [.retryAfter: String(error.retryAfterSeconds)]
            )
        }
    }

    static func invalidParameter(_ name: String, _ problem: String) -> ReceiverError {
        ReceiverError(.badRequest, "invalid_parameter", "\(name): \(problem)")
    }
}
