import RequestTracing

/// An OTLP item that becomes records of ours: a log record one, a span one plus one per event.
protocol OTLPRecordsWriting {
    /// How many records ``writeRecords(to:)`` writes.
    var recordCount: Int { get }
    /// Writes the records as JSON objects separated by commas.
    func writeRecords(to writer: inout JSONWriter)
}

extension OTLPLogRecord: OTLPRecordsWriting {
    var recordCount: Int { 1 }

    func writeRecords(to writer: inout JSONWriter) {
        writeRecord(to: &writer)
    }
}

extension OTLPSpan: OTLPRecordsWriting {}
