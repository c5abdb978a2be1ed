import RequestTracing

extension LogPage {
    /// Writes `"logs":[…],"totalCount":n` and, when there is one, `,"oldestTimestamp":"…"`: the members
    /// that `GET /api/debug/logs` and the MCP `observe` answer share.
    func writeMembers(to writer: inout JSONWriter) {
        writer.raw("\"logs\":")
        TraceTimeline.writeRecords(records, to: &writer)
        writer.raw(",\"totalCount\":")
        writer.integer(totalCount)
        if let oldestTimestamp {
            writer.raw(",\"oldestTimestamp\":\"")
            RecordTime.write(oldestTimestamp, to: &writer)
            writer.byte(UInt8(ascii: "\""))
        }
    }
}
