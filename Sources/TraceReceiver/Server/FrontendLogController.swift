import HTTPTypes
import Hummingbird
import NIOCore
import RequestTracing

/// `POST /api/frontend-log` (and its CORS preflight): browser reports, JSON or `text/plain` from
/// `navigator.sendBeacon`, size- and per-client-rate-limited.
struct FrontendLogController: Sendable {
    let pipeline: IngestPipeline
    let cors: CORSPolicy
    let clientAddress: ClientAddress
    let limiter: KeyedRateLimiter
    let maximumBytes: Int

    init(pipeline: IngestPipeline, configuration: ReceiverConfiguration) {
        self.pipeline = pipeline
        self.cors = CORSPolicy(
            origins: OriginPolicy(configuration.allowedOrigins), allowedHeaders: "Content-Type, X-Request-ID", refusal: "post browser reports"
        )
        self.clientAddress = ClientAddress(trustedProxies: Set(configuration.trustedProxies))
        self.limiter = KeyedRateLimiter(
            rate: configuration.frontendReportsPerMinute / 60,
            burst: configuration.frontendReportsPerMinute,
            maximumKeys: 100_000
        )
        self.maximumBytes = configuration.frontendMaximumBytes
    }

    func register(on router: Router<ReceiverRequestContext>) {
        router.on("/api/frontend-log", method: .options) { request, _ in try cors.preflight(request) }
        router.post("/api/frontend-log") { request, context in
            try await cors.answering(request) { try await report(request, context: context) }
        }
    }

    private func report(_ request: Request, context: ReceiverRequestContext) async throws -> Response {
        let client = clientAddress.address(peer: context.remoteAddress, headers: request.headers)
        if case .limited(let retryAfter) = limiter.admit(client) {
            pipeline.metrics.count(1, .rateLimited, source: .frontend, service: "frontend")
            throw ReceiverError.rateLimited("too many browser reports from this client", retryAfter: retryAfter)
        }
        let body = try await request.collectBody(limit: maximumBytes)
        var batch = decode(body)
        guard batch.rejected == 0 else {
            pipeline.metrics.count(batch.rejected, .rejected, source: .frontend, service: "frontend")
            throw ReceiverError(.badRequest, "invalid_report", batch.errors.first?.reason ?? "unreadable report")
        }
        // A report without its own request id takes the reporting request's (when valid).
        if let header = request.headers[.xRequestID], RequestID.isValid(header) {
            for index in batch.records.indices where batch.records[index].requestID == nil {
                batch.records[index].requestID = header
            }
        }
        let result = try await pipeline.ingest(DecodedBatch(records: batch.records), source: .frontend)
        if let retryAfter = result.retryAfter {
            throw ReceiverError.rateLimited("browser reports are over the frontend service's rate", retryAfter: retryAfter)
        }
        return .json(result.json(), status: .accepted)
    }

    /// A report object (or an array of them): the record shape with `context` kept under `fields`.
    /// The source is always `frontend`; the service defaults to `frontend`.
    private func decode(_ body: ByteBuffer) -> DecodedBatch {
        var decoder = BatchDecoder(record: pipeline.recordDecoder(source: .frontend, defaultService: "frontend"))
        decoder.record.maximumRecordBytes = maximumBytes
        let now = RecordTime.now()
        var batch = body.withUnsafeReadableBytes { raw in
            let bytes = raw.assumingMemoryBound(to: UInt8.self)
            var scanner = JSONScanner(bytes)
            if scanner.peek() == UInt8(ascii: "[") { return decoder.decode(bytes, now: now) }
            // One object, possibly pretty-printed over several lines.
            var batch = DecodedBatch()
            switch decoder.record.decode(bytes, now: now) {
            case .success(let record): batch.records.append(record)
            case .failure(let rejection): batch.reject(line: 1, reason: rejection.reason)
            }
            return batch
        }
        for index in batch.records.indices { batch.records[index].source = .frontend }
        return batch
    }
}
