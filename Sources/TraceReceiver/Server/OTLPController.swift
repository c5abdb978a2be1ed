import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RequestTracing

/// `POST /v1/logs`: OTLP/HTTP log export (https://opentelemetry.io/docs/specs/otlp/#otlphttp), so a
/// service instrumented with an OpenTelemetry SDK (swift-otel, Python, Java, Go, JavaScript…) or an
/// OpenTelemetry Collector can send its logs here by pointing `OTEL_EXPORTER_OTLP_ENDPOINT` at the
/// receiver.
///
/// The body is an `ExportLogsServiceRequest` as protobuf (`application/x-protobuf`) or OTLP/JSON
/// (`application/json`), optionally gzip- or deflate-compressed. Each log record becomes a record of
/// ours (see ``OTLPLogRecord/writeRecord(to:)``) and goes through the same checks, limits, rate limit
/// and deduplication as `POST /api/logs`. The answer is an `ExportLogsServiceResponse` in the request's
/// encoding, whose `partial_success` counts the records refused (too large, say) and names the first
/// reasons; the others are stored. Errors are answered as on every other endpoint, with a JSON body:
/// 400 for a body that cannot be read, 413 over the body limit, 415 for another content type, 429 with
/// `Retry-After` over a service's rate, 503/507 with `Retry-After` when the store cannot write.
struct OTLPController: Sendable {
    let pipeline: IngestPipeline
    let authorization: IngestAuthorization
    let maximumBodyBytes: Int

    /// How a request (and so its answer) is encoded.
    enum Encoding {
        case protobuf
        case json

        init(contentType: String?) throws {
            let mediaType = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            switch mediaType {
            case "application/x-protobuf", "application/protobuf": self = .protobuf
            case "application/json": self = .json
            default:
                throw ReceiverError(
                    .unsupportedMediaType, "unsupported_media_type",
                    "OTLP/HTTP bodies are application/x-protobuf or application/json"
                )
            }
        }

        var contentType: String {
            switch self {
            case .protobuf: "application/x-protobuf"
            case .json: "application/json"
            }
        }
    }

    func register(on router: Router<ReceiverRequestContext>) {
        router.post("/v1/logs") { request, _ in try await exportLogs(request) }
    }

    private func exportLogs(_ request: Request) async throws -> Response {
        try authorization.check(request.headers)
        let encoding = try Encoding(contentType: request.headers[.contentType])
        let body = try await request.collectBody(limit: maximumBodyBytes)
        let records: [OTLPLogRecord]
        do throws(OTLPDecodingError) {
            switch encoding {
            case .protobuf: records = try body.withUnsafeReadableBytes { bytes throws(OTLPDecodingError) in try OTLPLogsDecoder.records(protobuf: bytes) }
            case .json: records = try OTLPLogsDecoder.records(json: Data(body.readableBytesView))
            }
        } catch {
            throw ReceiverError(.badRequest, "invalid_body", "not an OTLP ExportLogsServiceRequest: \(error.reason)")
        }
        var result = IngestResult(rejected: 0, errors: [])
        if !records.isEmpty {
            // Records of ours, as a JSON array for the decoder every other ingest path uses.
            var writer = JSONWriter(capacity: 256 * records.count)
            writer.byte(UInt8(ascii: "["))
            for (index, record) in records.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                record.writeRecord(to: &writer)
            }
            writer.byte(UInt8(ascii: "]"))
            let decoder = BatchDecoder(record: pipeline.recordDecoder(source: .backend))
            let now = RecordTime.now()
            let batch = writer.bytes.withUnsafeBufferPointer { decoder.decode($0, now: now) }
            result = try await pipeline.ingest(batch, source: .backend)
        }
        if let retryAfter = result.retryAfter {
            throw ReceiverError.rateLimited("a service in this export is over its rate of records per second", retryAfter: retryAfter)
        }
        let answer = Self.response(rejected: result.rejected, reasons: result.errors.prefix(3).map { "log record \($0.line): \($0.reason)" }, encoding: encoding)
        return Response(
            status: .ok,
            headers: [.contentType: encoding.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer))
        )
    }

    /// An `ExportLogsServiceResponse`: empty when everything was taken, else with its `partial_success`.
    static func response(rejected: Int, reasons: [String], encoding: Encoding) -> [UInt8] {
        let message = reasons.joined(separator: "; ")
        switch encoding {
        case .json:
            guard rejected > 0 else { return Array("{}".utf8) }
            var writer = JSONWriter(capacity: 64 + message.utf8.count)
            writer.raw("{\"partialSuccess\":{\"rejectedLogRecords\":")
            writer.integer(rejected)
            writer.raw(",\"errorMessage\":")
            writer.string(message)
            writer.raw("}}")
            return writer.bytes
        case .protobuf:
            guard rejected > 0 else { return [] }
            // ExportLogsPartialSuccess: 1 rejected_log_records (int64), 2 error_message (string).
            var partial: [UInt8] = [0x08]
            appendVarint(UInt64(rejected), to: &partial)
            partial.append(0x12)
            appendVarint(UInt64(message.utf8.count), to: &partial)
            partial.append(contentsOf: message.utf8)
            var response: [UInt8] = [0x0A]  // field 1, length-delimited: partial_success
            appendVarint(UInt64(partial.count), to: &response)
            return response + partial
        }
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
