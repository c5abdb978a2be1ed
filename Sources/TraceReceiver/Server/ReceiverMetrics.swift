import Prometheus
import Synchronization

/// The receiver's own counters and gauges, exposed at `GET /metrics` in Prometheus text format.
///
/// Uses its own `PrometheusCollectorRegistry` (not the process-wide `MetricsSystem`), so several
/// receivers in one process (tests) keep separate figures. The `service` label is capped at
/// ``maximumServiceLabels`` distinct values (later services are counted as `_other`), so a sender
/// inventing service names cannot grow the exposition without bound.
final class ReceiverMetrics: Sendable {
    /// What happened to a record.
    enum Outcome: String, CaseIterable {
        case accepted, duplicate, rejected
        case rateLimited = "rate_limited"
    }

    static let maximumServiceLabels = 200

    let registry = PrometheusCollectorRegistry()
    /// The `trace_receiver_records_total` counter of each label set, made once: asking the registry for it
    /// per batch and service builds its name and label list and looks both up each time.
    private let recordCounters = Mutex(RecordCounters())
    /// The request-duration histogram of each route, made once for the same reason. Routes are the
    /// router's paths and `unmatched`, a fixed set.
    private let latencyHistograms = Mutex<[String: DurationHistogram]>([:])
    private let storeRecords: Gauge
    private let storeBytes: Gauge
    private let bufferBytes: Gauge
    private let evicted: Gauge
    private let streamConnections: Gauge
    private let liveViewers: Gauge
    private let liveViewersRefused: Prometheus.Counter
    private let malformedRequests: Prometheus.Counter
    private let silentConnections: Prometheus.Counter
    private let storeWriteFailures: Prometheus.Counter
    private let metricPointsRefused: Prometheus.Counter

    init() {
        storeRecords = registry.makeGauge(descriptor: Self.name("store", "records", help: "Records currently stored."))
        storeBytes = registry.makeGauge(descriptor: Self.name("store", "bytes", help: "Bytes used by the store."))
        bufferBytes = registry.makeGauge(descriptor: Self.name("buffer", "bytes", help: "Approximate bytes held by the in-memory hot buffer."))
        evicted = registry.makeGauge(descriptor: Self.name("evicted", "records", help: "Records removed by expiry, caps or retention since start."))
        streamConnections = registry.makeGauge(descriptor: Self.name("stream", "connections", help: "Open /api/stream WebSockets."))
        liveViewers = registry.makeGauge(descriptor: Self.name("live", "viewers", help: "Open /api/live event streams (web page viewers)."))
        liveViewersRefused = registry.makeCounter(
            descriptor: Self.name("live_viewers_refused", "total", help: "/api/live streams refused because the viewer cap was reached.")
        )
        malformedRequests = registry.makeCounter(
            descriptor: Self.name("malformed_requests", "total", help: "Connections answered 400 and closed because the HTTP parser rejected their request.")
        )
        silentConnections = registry.makeCounter(
            descriptor: Self.name("silent_connections_closed", "total", help: "Connections closed for sending no request within the first-request timeout.")
        )
        storeWriteFailures = registry.makeCounter(
            descriptor: Self.name("store_write_failures", "total", help: "Batches the store could not write (a full disk, an I/O error); their senders are told to retry.")
        )
        metricPointsRefused = registry.makeCounter(
            descriptor: Self.name("otlp_metric_points_refused", "total", help: "OpenTelemetry metric data points exported to /v1/metrics, which are not stored.")
        )
    }

    /// `trace_receiver_<metric>_<unit>`.
    private static func name(_ metric: String, _ unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "trace_receiver", metricName: metric, unitName: unit, helpText: help)
    }

    // Computed: a MetricNameDescriptor is not Sendable, so it cannot be a stored static.
    private static var recordsTotal: MetricNameDescriptor {
        name("records", "total", help: "Records received, by outcome, source and service.")
    }
    private static var requestDuration: MetricNameDescriptor {
        name("http_request_duration", "seconds", help: "Time to answer HTTP requests, by route.")
    }

    /// Counts `count` records of `service` from `source` with `outcome`.
    func count(_ count: Int, _ outcome: Outcome, source: RecordSource, service: String) {
        guard count > 0 else { return }
        let counter = recordCounters.withLock { counters in
            let labels = RecordCounters.Labels(outcome: outcome, source: source, service: counters.label(for: service))
            return counters.byLabels.value(for: labels) {
                registry.makeCounter(
                    descriptor: Self.recordsTotal,
                    labels: [("outcome", outcome.rawValue), ("source", source.rawValue), ("service", labels.service)]
                )
            }
        }
        counter.increment(by: Int64(count))
    }

    /// Counts records per service.
    func count(_ records: ServiceCounts, _ outcome: Outcome) {
        for (service, total) in records.counts { count(total, outcome, source: records.sources[service] ?? .backend, service: service) }
    }

    /// Times one HTTP request.
    func recordLatency(route: String, _ duration: Duration) {
        let histogram = latencyHistograms.withLock { histograms in
            histograms.value(for: route) {
                registry.makeDurationHistogram(
                    descriptor: Self.requestDuration,
                    labels: [("route", route)],
                    buckets: [.microseconds(100), .microseconds(500), .milliseconds(1), .milliseconds(5), .milliseconds(10),
                              .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5)]
                )
            }
        }
        histogram.record(duration)
    }

    func streamOpened() { streamConnections.increment() }
    func streamClosed() { streamConnections.decrement() }
    func liveViewerOpened() { liveViewers.increment() }
    func liveViewerClosed() { liveViewers.decrement() }
    func liveViewerRefused() { liveViewersRefused.increment() }
    func storeWriteFailed() { storeWriteFailures.increment() }
    func metricPointsRefused(_ count: Int) { metricPointsRefused.increment(by: Int64(count)) }
    func connectionClosed(_ reason: FirstRequestGuard.Reason) {
        switch reason {
        case .malformedRequest: malformedRequests.increment()
        case .noRequest: silentConnections.increment()
        }
    }

    /// Refreshes the store gauges and renders the exposition.
    func render(statistics: StoreStatistics?, bufferBytes buffer: Int) -> [UInt8] {
        if let statistics {
            storeRecords.set(Int64(statistics.records))
            storeBytes.set(Int64(statistics.bytes))
            evicted.set(Int64(statistics.evicted))
        }
        bufferBytes.set(Int64(buffer))
        return registry.emitToBuffer()
    }
}

/// The records counters made so far, by label set, and the service labels given out (at most
/// ``ReceiverMetrics/maximumServiceLabels``, so both stay bounded).
private struct RecordCounters {
    struct Labels: Hashable {
        let outcome: ReceiverMetrics.Outcome
        let source: RecordSource
        let service: String
    }

    var byLabels: [Labels: Prometheus.Counter] = [:]
    private var serviceLabels: Set<String> = []

    /// `service`, or `_other` once the cap of distinct services is reached.
    mutating func label(for service: String) -> String {
        if serviceLabels.contains(service) { return service }
        guard serviceLabels.count < ReceiverMetrics.maximumServiceLabels else { return "_other" }
        serviceLabels.insert(service)
        return service
    }
}

extension Dictionary {
    /// The value for `key`, made by `make` and kept the first time it is asked for.
    fileprivate mutating func value(for key: Key, makingWith make: () -> Value) -> Value {
        if let value = self[key] { return value }
        let value = make()
        self[key] = value
        return value
    }
}
