import HTTPTypes
import Hummingbird
import NIOCore
import RequestTracing

/// An OTLP/HTTP export's error answer: its body is a `google.rpc.Status`
/// (https://opentelemetry.io/docs/specs/otlp/#failures-1), protobuf-encoded for a protobuf request, so
/// an SDK or Collector can read and report its message; JSON otherwise, where it also carries the
/// receiver's own `error` code (`{"code":3,"message":"…","error":"invalid_body"}`). The HTTP status and
/// headers (`Retry-After`, `WWW-Authenticate`) are the error's.
struct OTLPFailure {
    let error: ReceiverError

    init(_ error: ReceiverError) {
        self.error = error
    }

    /// The gRPC status code for the HTTP status, as gRPC maps them (informational: OTLP clients act on
    /// the HTTP status).
    var code: Int {
        switch error.status.code {
        case 401: 16  // UNAUTHENTICATED
        case 403: 7  // PERMISSION_DENIED
        case 429, 507: 8  // RESOURCE_EXHAUSTED
        case 503: 14  // UNAVAILABLE
        case 400..<500: 3  // INVALID_ARGUMENT
        default: 13  // INTERNAL
        }
    }

    /// The answer: `Status` as protobuf (`code` field 1, `message` field 2) or JSON.
    func response(protobuf: Bool) -> Response {
        var headers = error.headers
        let body: [UInt8]
        if protobuf {
            headers[.contentType] = "application/x-protobuf"
            var status: [UInt8] = []
            ProtobufWriting.appendField(1, varint: UInt64(code), to: &status)
            ProtobufWriting.appendField(2, bytes: error.message.utf8, to: &status)
            body = status
        } else {
            headers[.contentType] = "application/json"
            var writer = JSONWriter(capacity: 64 + error.message.utf8.count)
            writer.raw("{\"code\":")
            writer.integer(code)
            writer.raw(",\"message\":")
            writer.string(error.message)
            writer.raw(",\"error\":")
            writer.string(error.code)
            writer.raw("}\n")
            body = writer.bytes
        }
        return Response(status: error.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
