import Hummingbird
import NIOCore
import RequestTracing

/// `GET /health` and `GET /metrics`.
struct StatusController: Sendable {
    static let version = "0.1.0"

    let store: any LogStore
    let storeKind: String
    let metrics: ReceiverMetrics
    let startedAt: ContinuousClock.Instant
    /// Whether the store's last write failed.
    let writeHealth: StoreWriteHealth

    func register(on router: Router<ReceiverRequestContext>) {
        router.get("/health") { _, _ in await health() }
        router.get("/metrics") { _, _ in
            let statistics = try? await store.statistics()
            let buffer = storeKind == "memory" ? statistics?.bytes ?? 0 : 0
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render(statistics: statistics, bufferBytes: buffer)))
            )
        }
    }

    /// `{"status","version","uptime_seconds","store","store_ok","records","dropped","store_bytes"}`, and
    /// `"store_error"` with it; 503 with `"status":"degraded"` when the store cannot be read, or its last
    /// write failed (a full disk).
    private func health() async -> Response {
        let statistics = try? await store.statistics()
        let writeFailure = writeHealth.failure
        let healthy = statistics != nil && writeFailure == nil
        let uptime = startedAt.duration(to: .now)
        var writer = JSONWriter(capacity: 256)
        writer.raw("{\"status\":")
        writer.string(healthy ? "ok" : "degraded")
        writer.raw(",\"version\":")
        writer.string(Self.version)
        writer.raw(",\"uptime_seconds\":")
        writer.integer(uptime.components.seconds)
        writer.raw(",\"store\":")
        writer.string(storeKind)
        writer.raw(",\"store_ok\":")
        healthy ? writer.raw("true") : writer.raw("false")
        if let writeFailure {
            writer.raw(",\"store_error\":")
            writer.string(writeFailure.description)
        }
        writer.raw(",\"records\":")
        writer.integer(statistics?.records ?? 0)
        writer.raw(",\"dropped\":")
        writer.integer(statistics?.evicted ?? 0)
        writer.raw(",\"store_bytes\":")
        writer.integer(statistics?.bytes ?? 0)
        writer.raw("}\n")
        return .json(writer.bytes, status: healthy ? .ok : .serviceUnavailable)
    }
}
