import RequestTracing

/// The warning record a ``LogShipper`` sends when it had to drop records, so the gap is visible in the
/// receiver next to the records that survived.
struct DropReport {
    let service: String
    let dropped: Int
    let droppedFromQueueTotal: Int
    let droppedFromSpoolTotal: Int

    /// The record as one JSON line.
    func line(now: UTCTimestamp = .now()) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.raw("{\"timestamp\":\"")
        writer.appendFixed(count: UTCTimestamp.length) { now.write(to: $0) }
        writer.raw("\",\"level\":\"warning\",\"service\":")
        writer.string(service)
        writer.raw(",\"source\":\"backend\",\"event\":\"records_dropped\",\"message\":")
        writer.string("log shipper dropped \(dropped) records while the receiver was unreachable or slow")
        writer.raw(",\"fields\":{\"dropped\":")
        writer.integer(dropped)
        writer.raw(",\"dropped_from_queue_total\":")
        writer.integer(droppedFromQueueTotal)
        writer.raw(",\"dropped_from_spool_total\":")
        writer.integer(droppedFromSpoolTotal)
        writer.raw("}}\n")
        return writer.bytes
    }
}
