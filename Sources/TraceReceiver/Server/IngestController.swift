import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import RequestTracing

/// `POST /api/logs` and the `GET /api/stream` WebSocket.
struct IngestController: Sendable {
    let pipeline: IngestPipeline
    let authorization: IngestAuthorization
    let maximumBodyBytes: Int

    func register(on router: Router<ReceiverRequestContext>) {
        router.post("/api/logs") { request, context in try await post(request, context: context) }
        router.ws("/api/stream") { request, _ in
            try authorization.check(request.headers)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            pipeline.metrics.streamOpened()
            defer { pipeline.metrics.streamClosed() }
            for try await message in inbound.messages(maxSize: maximumBodyBytes) {
                let bytes: ByteBuffer =
                    switch message {
                    case .text(let text): ByteBuffer(string: text)
                    case .binary(let buffer): buffer
                    }
                let reply = await handleStreamMessage(bytes, logger: context.logger)
                try await outbound.write(.text(String(decoding: reply, as: UTF8.self)))
            }
        }
    }

    /// Query parameters: `service` (default for records without one), `source` (`backend` or `capture`).
    private func post(_ request: Request, context: ReceiverRequestContext) async throws -> Response {
        try authorization.check(request.headers)
        let parameters = request.uri.queryParameters
        let source: RecordSource
        switch parameters["source"].map(String.init) {
        case nil, "backend": source = .backend
        case "capture": source = .capture
        default: throw ReceiverError.invalidParameter("source", "must be backend or capture")
        }
        let body = try await request.collectBody(limit: maximumBodyBytes)
        let result = try await pipeline.ingest(body: body, source: source, defaultService: parameters["service"].map(String.init))
        if let retryAfter = result.retryAfter {
            throw ReceiverError.rateLimited("a service in this batch is over its rate of records per second", retryAfter: retryAfter)
        }
        return .json(result.json())
    }

    /// One stream message `{"batch":k,"records":[…]}` → `{"ack":k,"accepted":n,"duplicates":n,"rejected":n,…}`,
    /// or `{"nack":k,"error":"rate_limited","retry_after_ms":n}` when the batch must be resent later,
    /// or `{"error":"invalid_batch","message":"…"}` when the message cannot be read.
    func handleStreamMessage(_ message: ByteBuffer, logger: Logger) async -> [UInt8] {
        let decoder = BatchDecoder(record: pipeline.recordDecoder(source: .backend))
        let now = RecordTime.now()
        let parsed: Result<(Int, DecodedBatch), ReceiverError> = message.withUnsafeReadableBytes { raw in
            Self.parseStreamMessage(raw.assumingMemoryBound(to: UInt8.self), decoder: decoder, now: now)
        }
        switch parsed {
        case .failure(let error):
            return Self.errorMessage(nil, error.code, error.message)
        case .success(let (batchNumber, batch)):
            do {
                let result = try await pipeline.ingest(batch, source: .backend)
                if let retryAfter = result.retryAfter {
                    var writer = JSONWriter(capacity: 96)
                    writer.raw("{\"nack\":")
                    writer.integer(batchNumber)
                    writer.raw(",\"error\":\"rate_limited\",\"retry_after_ms\":")
                    writer.integer(Int((retryAfter * 1000).rounded(.up)))
                    writer.raw("}")
                    return writer.bytes
                }
                return result.json(prefix: ("ack", batchNumber))
            } catch let error as StoreWriteError {
                // Logged by the pipeline, once per outage; the shipper keeps the batch and waits.
                let refusal = ReceiverError.storeWrite(error)
                return Self.errorMessage(batchNumber, refusal.code, refusal.message, retryAfterMilliseconds: error.retryAfterSeconds * 1000)
            } catch {
                logger.error("storing a stream batch failed", metadata: ["error": "\(error)"])
                return Self.errorMessage(batchNumber, "store_failed", "the batch could not be stored; resend it")
            }
        }
    }

    private static func errorMessage(_ batch: Int?, _ code: String, _ message: String, retryAfterMilliseconds: Int? = nil) -> [UInt8] {
        var writer = JSONWriter(capacity: 128 + message.utf8.count)
        writer.byte(UInt8(ascii: "{"))
        if let batch {
            writer.raw("\"nack\":")
            writer.integer(batch)
            writer.byte(UInt8(ascii: ","))
        }
        writer.raw("\"error\":")
        writer.string(code)
        writer.raw(",\"message\":")
        writer.string(message)
        if let retryAfterMilliseconds {
            writer.raw(",\"retry_after_ms\":")
            writer.integer(retryAfterMilliseconds)
        }
        writer.byte(UInt8(ascii: "}"))
        return writer.bytes
    }

    static func parseStreamMessage(
        _ bytes: UnsafeBufferPointer<UInt8>, decoder: BatchDecoder, now: Int64
    ) -> Result<(Int, DecodedBatch), ReceiverError> {
        var scanner = JSONScanner(bytes)
        let invalid = { (reason: String) in
            Result<(Int, DecodedBatch), ReceiverError>.failure(ReceiverError(.badRequest, "invalid_batch", reason))
        }
        guard scanner.peek() == UInt8(ascii: "{") else { return invalid("a stream message must be a JSON object") }
        var batchNumber: Int?
        var records: JSONScanner.Value?
        do throws(JSONSyntaxError) {
            _ = scanner.consume(UInt8(ascii: "{"))
            if !scanner.consume(UInt8(ascii: "}")) {
                while true {
                    scanner.skipWhitespace()
                    guard scanner.peek() == UInt8(ascii: "\"") else { throw JSONSyntaxError("expected a string key", at: scanner.index) }
                    let key = try scanner.scanValue()
                    try scanner.expect(UInt8(ascii: ":"), "':'")
                    if scanner.bytes(key.contentRange, equal: "records"), scanner.peek() == UInt8(ascii: "[") {
                        // Records are validated one by one (each with its own depth limit), so only
                        // find where the array ends here.
                        let start = scanner.index
                        try scanner.skipUnchecked()
                        records = JSONScanner.Value(kind: .array, range: start..<scanner.index)
                    } else {
                        let value = try scanner.scanValue()
                        if scanner.bytes(key.contentRange, equal: "batch") {
                            batchNumber = scanner.double(value).flatMap { $0 >= 0 && $0 < 9e15 && $0.rounded() == $0 ? Int($0) : nil }
                        } else if scanner.bytes(key.contentRange, equal: "records") {
                            records = value
                        }
                    }
                    if scanner.consume(UInt8(ascii: "}")) { break }
                    try scanner.expect(UInt8(ascii: ","), "',' or '}'")
                }
            }
        } catch {
            return invalid("invalid JSON: \(error.reason)")
        }
        guard let batchNumber else { return invalid("\"batch\" must be a non-negative integer") }
        guard let records, records.kind == .array else { return invalid("\"records\" must be an array of log records") }
        let batch = decoder.decode(UnsafeBufferPointer(rebasing: bytes[records.range]), now: now)
        return .success((batchNumber, batch))
    }
}
