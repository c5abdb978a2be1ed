import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RequestTracing

/// `POST /v1/logs` and `POST /v1/traces`: OTLP/HTTP export (https://opentelemetry.io/docs/specs/otlp/#otlphttp),
/// so a service instrumented with an OpenTelemetry SDK (swift-otel, Python, Java, Go, JavaScript…) or an
/// OpenTelemetry Collector can send its logs and spans here by pointing `OTEL_EXPORTER_OTLP_ENDPOINT` at
/// the receiver. Metrics are not kept: `POST /v1/metrics` reads the export and refuses its data points in
/// a `partial_success` that says so (and counts them in `/metrics`), so an exporter sending all three
/// signals neither fails nor logs a 404 at every interval.
///
/// The body is an `ExportLogsServiceRequest` or `ExportTraceServiceRequest` as protobuf
/// (`application/x-protobuf`) or OTLP/JSON (`application/json`), optionally gzip- or deflate-compressed.
/// Each log record becomes a record of ours (``OTLPLogRecord/writeRecord(to:)``), and each span a record
/// of its own plus one per event (``OTLPSpan/writeRecords(to:)``), which go through the same checks,
/// limits, rate limit and deduplication as `POST /api/logs`. The answer is the export response in the
/// request's encoding, whose `partial_success` counts the items refused (too large, say) and names the
/// first reasons; the others are stored. A browser page of an allowed origin may export too (CORS, as
/// for `/api/frontend-log`); what it sends is stored with source `frontend`. Errors are answered with a
/// `google.rpc.Status` as OTLP/HTTP asks (``OTLPFailure``): protobuf for a protobuf request, else JSON
/// (which keeps our `error` code too): 400 for a body that cannot be read, 401 without the ingest token,
/// 413 over the body limit, 415 for another content type, 429 with `Retry-After` over a service's rate,
/// 503/507 with `Retry-After` when the store cannot write.
struct OTLPController: Sendable {
    let pipeline: IngestPipeline
    let authorization: IngestAuthorization
    let maximumBodyBytes: Int
    /// Browsers of the allowed origins (``ReceiverConfiguration/allowedOrigins``) may export too (an
    /// OpenTelemetry web SDK); their records are stored with source `frontend`.
    let cors: CORSPolicy

    init(pipeline: IngestPipeline, authorization: IngestAuthorization, configuration: ReceiverConfiguration) {
        self.pipeline = pipeline
        self.authorization = authorization
        self.maximumBodyBytes = configuration.maximumBodyBytes
        self.cors = CORSPolicy(
            origins: OriginPolicy(configuration.allowedOrigins), allowedHeaders: "Content-Type", refusal: "export to this receiver"
        )
    }

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

    /// What an export carries.
    enum Signal {
        case logs
        case traces
        /// Read and refused: the receiver keeps no metrics.
        case metrics

        /// The request message's name, for errors.
        var requestName: String {
            switch self {
            case .logs: "ExportLogsServiceRequest"
            case .traces: "ExportTraceServiceRequest"
            case .metrics: "ExportMetricsServiceRequest"
            }
        }
        /// What one item is called in `partial_success`'s message.
        var itemName: String {
            switch self {
            case .logs: "log record"
            case .traces: "span"
            case .metrics: "data point"
            }
        }
        /// `partial_success`'s count in OTLP/JSON.
        var rejectedKey: String {
            switch self {
            case .logs: "rejectedLogRecords"
            case .traces: "rejectedSpans"
            case .metrics: "rejectedDataPoints"
            }
        }
    }

    /// `partial_success`'s message for a metrics export.
    static let metricsRefusal = "trace-receiver keeps logs and spans, not metrics: set OTEL_METRICS_EXPORTER=none, or export metrics elsewhere"

    func register(on router: Router<ReceiverRequestContext>) {
        for (path, signal) in [("/v1/logs", Signal.logs), ("/v1/traces", .traces), ("/v1/metrics", .metrics)] {
            router.on(RouterPath(path), method: .options) { request, _ in try cors.preflight(request) }
            router.post(RouterPath(path)) { request, _ in try await cors.answering(request) { try await export(request, signal) } }
        }
    }

    private func export(_ request: Request, _ signal: Signal) async throws -> Response {
        do {
            return try await exportBody(request, signal)
        } catch let error as ReceiverError {
            return OTLPFailure(error).response(protobuf: (try? Encoding(contentType: request.headers[.contentType])) == .protobuf)
        }
    }

    private func exportBody(_ request: Request, _ signal: Signal) async throws -> Response {
        try authorization.check(request.headers)
        // A browser (its origin allowed by `cors`) exports what happened in the page.
        let source: RecordSource = request.headers[.origin] == nil ? .backend : .frontend
        let encoding = try Encoding(contentType: request.headers[.contentType])
        let body = try await request.collectBody(limit: maximumBodyBytes)
        if signal == .metrics { return try refuseMetrics(in: body, encoding: encoding) }
        let records: RecordsOfItems
        do throws(OTLPDecodingError) {
            records = try Self.records(of: signal, in: body, encoding: encoding)
        } catch {
            throw ReceiverError(.badRequest, "invalid_body", "not an OTLP \(signal.requestName): \(error.reason)")
        }
        var result = IngestResult(rejected: 0, errors: [])
        if !records.owners.isEmpty {
            let decoder = BatchDecoder(record: pipeline.recordDecoder(source: source))
            let now = RecordTime.now()
            var batch = records.json.withUnsafeBufferPointer { decoder.decode($0, now: now) }
            for index in batch.records.indices { batch.records[index].source = source }
            result = try await pipeline.ingest(batch, source: source)
        }
        if let retryAfter = result.retryAfter {
            throw ReceiverError.rateLimited("a service in this export is over its rate of records per second", retryAfter: retryAfter)
        }
        // Items whose records were refused (a span's events are records of their own).
        let listed = result.errors.map { records.owner(ofElement: $0.line) }
        let rejected = result.errors.count == result.rejected ? Set(listed).count : min(result.rejected, records.itemCount)
        let reasons = result.errors.prefix(3).map { "\(signal.itemName) \(records.owner(ofElement: $0.line)): \($0.reason)" }
        return Response(
            status: .ok,
            headers: [.contentType: encoding.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.response(signal, rejected: rejected, reasons: reasons, encoding: encoding)))
        )
    }

    /// The answer to a metrics export: every data point refused, counted in `/metrics`.
    private func refuseMetrics(in body: ByteBuffer, encoding: Encoding) throws -> Response {
        let points: Int
        do throws(OTLPDecodingError) {
            points = switch encoding {
            case .protobuf: try body.withUnsafeReadableBytes { bytes throws(OTLPDecodingError) in try OTLPMetricPoints.count(protobuf: bytes) }
            case .json: try OTLPMetricPoints.count(json: Data(body.readableBytesView))
            }
        } catch {
            throw ReceiverError(.badRequest, "invalid_body", "not an OTLP \(Signal.metrics.requestName): \(error.reason)")
        }
        pipeline.metrics.metricPointsRefused(points)
        let answer = Self.response(.metrics, rejected: points, reasons: points > 0 ? [Self.metricsRefusal] : [], encoding: encoding)
        return Response(status: .ok, headers: [.contentType: encoding.contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer)))
    }

    /// An export's items as records of ours: a JSON array for the decoder every other ingest path uses,
    /// and for each of its elements the item (from 1) it came from.
    struct RecordsOfItems {
        var json: [UInt8]
        var owners: [Int]
        var itemCount: Int

        /// The item the array's `element`th record (from 1) came from.
        func owner(ofElement element: Int) -> Int {
            owners.indices.contains(element - 1) ? owners[element - 1] : itemCount
        }
    }

    static func records(of signal: Signal, in body: ByteBuffer, encoding: Encoding) throws(OTLPDecodingError) -> RecordsOfItems {
        switch (signal, encoding) {
        case (.logs, .protobuf):
            records(of: try body.withUnsafeReadableBytes { bytes throws(OTLPDecodingError) in try OTLPLogsDecoder.records(protobuf: bytes) })
        case (.logs, .json): records(of: try OTLPLogsDecoder.records(json: Data(body.readableBytesView)))
        case (.traces, .protobuf):
            records(of: try body.withUnsafeReadableBytes { bytes throws(OTLPDecodingError) in try OTLPSpansDecoder.spans(protobuf: bytes) })
        case (.traces, .json): records(of: try OTLPSpansDecoder.spans(json: Data(body.readableBytesView)))
        case (.metrics, _): RecordsOfItems(json: [], owners: [], itemCount: 0)
        }
    }

    private static func records(of items: [some OTLPRecordsWriting]) -> RecordsOfItems {
        var writer = JSONWriter(capacity: 256 + items.count * 512)
        var owners: [Int] = []
        writer.byte(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            item.writeRecords(to: &writer)
            owners += repeatElement(index + 1, count: item.recordCount)
        }
        writer.byte(UInt8(ascii: "]"))
        return RecordsOfItems(json: writer.bytes, owners: owners, itemCount: items.count)
    }

    /// An `ExportLogsServiceResponse`, `ExportTraceServiceResponse` or `ExportMetricsServiceResponse`: empty when everything was taken,
    /// else with its `partial_success` (the same fields for every signal: the count, and a message).
    static func response(_ signal: Signal, rejected: Int, reasons: [String], encoding: Encoding) -> [UInt8] {
        let message = reasons.joined(separator: "; ")
        switch encoding {
        case .json:
            guard rejected > 0 else { return Array("{}".utf8) }
            var writer = JSONWriter(capacity: 64 + message.utf8.count)
            writer.raw("{\"partialSuccess\":{")
            writer.string(signal.rejectedKey)
            writer.byte(UInt8(ascii: ":"))
            writer.integer(rejected)
            writer.raw(",\"errorMessage\":")
            writer.string(message)
            writer.raw("}}")
            return writer.bytes
        case .protobuf:
            guard rejected > 0 else { return [] }
            // Export…PartialSuccess: 1 rejected_log_records / rejected_spans / rejected_data_points (int64), 2 error_message (string).
            var partial: [UInt8] = []
            ProtobufWriting.appendField(1, varint: UInt64(rejected), to: &partial)
            ProtobufWriting.appendField(2, bytes: message.utf8, to: &partial)
            var response: [UInt8] = []
            ProtobufWriting.appendField(1, bytes: partial, to: &response)  // partial_success
            return response
        }
    }
}
