/// How many records of a batch each service sent, and the source of its first record: counted once per
/// batch for both the per-service rate limit and the metrics.
struct ServiceCounts {
    /// Records per service.
    private(set) var counts: [String: Int] = [:]
    /// The source of each service's first record (the metrics label).
    private(set) var sources: [String: RecordSource] = [:]

    init(_ records: [LogRecord]) {
        for record in records {
            if let position = counts.index(forKey: record.service) {
                counts.values[position] += 1
            } else {
                counts[record.service] = 1
                sources[record.service] = record.source
            }
        }
    }
}
