/// How many records of a batch each service sent, and the source of its first record: counted once per
/// batch for both the per-service rate limit and the metrics.
struct ServiceCounts {
    /// Records per service.
    private(set) var counts: [String: Int] = [:]
    /// The source of each service's first record (the metrics label).
    private(set) var sources: [String: RecordSource] = [:]

    init(_ records: [LogRecord]) {
        // Indexed rather than `for record in records`, which copies (retains) every field of each record.
        for index in records.indices {
            let service = records[index].service
            if let position = counts.index(forKey: service) {
                counts.values[position] += 1
            } else {
                counts[service] = 1
                sources[service] = records[index].source
            }
        }
    }
}
