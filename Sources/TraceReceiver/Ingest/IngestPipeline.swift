import Logging
import NIOCore
import Synchronization

/// Turns request bodies and stream batches into stored records: decode every record independently,
/// apply the per-service rate limit (a batch is admitted or refused whole, never silently trimmed),
/// drop records already stored (dedup), and append the rest to the store, returning once committed.
final class IngestPipeline: Sendable {
    let store: any LogStore
    let metrics: ReceiverMetrics
    let serviceLimiter: KeyedRateLimiter
    /// Wakes live viewers after each store.
    let feed: StoredRecordsFeed
    /// Whether the last append failed (logged once per outage, reported by `/health`).
    let writeHealth: StoreWriteHealth
    private let dedup: Mutex<DedupWindow>
    private let maximumRecordBytes: Int
    /// ``ReceiverConfiguration/maximumClockSkew``, in microseconds.
    private let maximumClockSkew: Int64

    init(store: any LogStore, configuration: ReceiverConfiguration, metrics: ReceiverMetrics, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.writeHealth = StoreWriteHealth(logger: logger)
        self.serviceLimiter = KeyedRateLimiter(
            rate: configuration.serviceRecordsPerSecond,
            burst: configuration.serviceRecordsPerSecond * 2
        )
        self.feed = StoredRecordsFeed(maximumSubscribers: configuration.maximumLiveViewers)
        self.dedup = Mutex(DedupWindow(window: configuration.dedupWindow, capacity: configuration.dedupCapacity))
        self.maximumRecordBytes = configuration.maximumRecordBytes
        self.maximumClockSkew = configuration.maximumClockSkew.microseconds
    }

    /// Loads the dedup keys of the most recently stored records, so a resend after a restart is still
    /// recognised.
    func warmUp() async throws {
        let capacity = dedup.withLock { $0.capacity }
        let keys = try await store.recentDedupKeys(limit: capacity)
        let now = MonotonicClock.microseconds()
        dedup.withLock { window in
            for key in keys.reversed() { window.seed(key, now: now) }
        }
    }

    /// Decodes `body` (NDJSON or a JSON array) and ingests its records.
    func ingest(body: ByteBuffer, source: RecordSource, defaultService: String? = nil) async throws -> IngestResult {
        let decoder = BatchDecoder(record: recordDecoder(source: source, defaultService: defaultService))
        let now = RecordTime.now()
        let batch = body.withUnsafeReadableBytes { raw in
            decoder.decode(raw.assumingMemoryBound(to: UInt8.self), now: now)
        }
        return try await ingest(batch, source: source)
    }

    /// A decoder for records from `source`.
    func recordDecoder(source: RecordSource, defaultService: String? = nil) -> RecordDecoder {
        RecordDecoder(
            source: source, defaultService: defaultService ?? "unknown", maximumRecordBytes: maximumRecordBytes,
            maximumClockSkew: maximumClockSkew
        )
    }

    /// Ingests already decoded records (rate limit, dedup, store).
    func ingest(_ batch: consuming DecodedBatch, source: RecordSource) async throws -> IngestResult {
        var result = IngestResult(rejected: batch.rejected, errors: batch.errors)
        metrics.count(batch.rejected, .rejected, source: source, service: "")
        // Taken out of the batch so this is the only reference: stamping dedup keys below then changes
        // the records in place instead of copying the array.
        var records = batch.records
        batch.records = []
        guard !records.isEmpty else { return result }

        let perService = ServiceCounts(records)
        if case .limited(let retryAfter) = serviceLimiter.admit(perService.counts) {
            metrics.count(perService, .rateLimited)
            result.retryAfter = retryAfter
            return result
        }

        let keys = DedupKeys.of(records)
        let now = MonotonicClock.microseconds()
        var duplicates: [LogRecord] = []
        let admitted = dedup.withLock { window in window.admit(keys, now: now) }
        for index in records.indices where admitted[index] {
            records[index].dedupKey = keys[index].stored
        }
        if admitted.contains(false) {
            duplicates = zip(records, admitted).filter { !$0.1 }.map(\.0)
            records = zip(records, admitted).filter(\.1).map(\.0)
        }
        let accepted = records.count
        let acceptedCounts = duplicates.isEmpty ? perService : ServiceCounts(records)
        do {
            try await store.append(consume records)
            writeHealth.succeeded()
        } catch {
            // Not stored: forget the keys so a retry is not mistaken for a duplicate.
            dedup.withLock { window in
                for (key, isAdmitted) in zip(keys, admitted) where isAdmitted { window.remove(key) }
            }
            if let error = error as? StoreWriteError {
                metrics.storeWriteFailed()
                writeHealth.failed(error)
            }
            throw error
        }
        feed.publish(accepted)
        result.accepted = accepted
        result.duplicates = duplicates.count
        // Usually nothing is a duplicate, and the counts made for the rate limit are the accepted ones.
        metrics.count(acceptedCounts, .accepted)
        metrics.count(ServiceCounts(duplicates), .duplicate)
        return result
    }
}
