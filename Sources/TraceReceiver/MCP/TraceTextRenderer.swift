import Foundation
import Logging

/// Renders a ``TraceTimeline`` as compact text for an agent: a header, one line per record (offset
/// from the start, service, level, event and message, duration, error) and the span tree indented by
/// parent.
///
/// ```
/// request 0190…  trace 4bf9…
/// started 2026-01-31T10:15:23.000Z  took 12.5 ms  services gateway → inventory  1 error(s)
/// timeline (offset from start):
///   +0.0ms gateway debug request_received: GET /api/checkout
///   +9.1ms inventory error request_failed: out of stock [2.1 ms] error=OutOfStock: no stock
/// spans:
///   gateway GET /api/checkout 12.5 ms ERROR
///     inventory GET /api/reserve 2.1 ms ERROR
/// ```
enum TraceTextRenderer {
    /// Longest message or error text kept on one line.
    static let maximumTextLength = 300

    static func render(_ trace: TraceTimeline) -> String {
        var lines: [String] = []
        // Every string a sender chose is escaped (see escapingControlCharacters): a service name or an
        // event must not forge lines of its own in what the agent reads.
        lines.append("request \(trace.requestID?.escapingControlCharacters ?? "-")  trace \(trace.traceID?.escapingControlCharacters ?? "-")")
        lines.append(
            "started \(RecordTime.format(trace.startedAt))  took \(milliseconds(trace.durationMS))  "
                + "services \(trace.services.map(\.escapingControlCharacters).joined(separator: " → "))  "
                + (trace.errorCount > 0 ? "\(trace.errorCount) error(s)" : "no errors")
        )
        if trace.truncated { lines.append(truncatedTimelineNote) }
        lines.append("timeline (offset from start):")
        for record in trace.timeline {
            lines.append("  " + line(record, start: trace.startedAt))
        }
        if !trace.spans.isEmpty {
            lines.append("spans:")
            let ids = Set(trace.spans.map(\.spanID))
            func walk(_ span: TraceTimeline.Span, depth: Int) {
                let duration = span.durationMS.map(milliseconds) ?? "?"
                let status = span.status == "error" ? " ERROR" : " ok"
                let label = "\(span.service) \(span.name)".escapingControlCharacters
                lines.append("  " + String(repeating: "  ", count: depth) + "\(label) \(duration)\(status)")
                for child in trace.spans where child.parentSpanID == span.spanID { walk(child, depth: depth + 1) }
            }
            for root in trace.spans where root.parentSpanID.map({ !ids.contains($0) }) ?? true {
                walk(root, depth: 0)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `+9.1ms inventory error request_failed: out of stock [2.1 ms] error=OutOfStock: no stock`.
    static func line(_ record: LogRecord, start: Int64) -> String {
        var line = String(format: "+%.1fms", Double(record.timestamp - start) / 1000)
        line += " \(record.service.escapingControlCharacters) \(record.level.rawValue)"
        if record.source != .backend { line += " (\(record.source.rawValue))" }
        if record.inferred { line += " [inferred]" }
        if let event = record.event { line += " \(event.escapingControlCharacters):" }
        line += " " + clipped(record.message)
        if let method = record.field("method"), let path = record.field("path") {
            let status = record.field("status_code").map { " → \($0)" } ?? ""
            line += " {" + "\(method) \(path)\(status)".escapingControlCharacters + "}"
        }
        if let duration = record.durationMS { line += " [\(milliseconds(duration))]" }
        if record.error != nil || record.errorType != nil {
            let type = record.errorType.map { "\($0.escapingControlCharacters): " } ?? ""
            line += " error=" + type + clipped(record.error ?? "")
        }
        return line
    }

    private static func milliseconds(_ value: Double) -> String {
        String(format: "%.1f ms", value)
    }

    private static func clipped(_ text: String) -> String {
        let oneLine = text.replacingOccurrences(of: "\n", with: " ⏎ ").escapingControlCharacters
        return oneLine.count > maximumTextLength ? String(oneLine.prefix(maximumTextLength)) + "…" : oneLine
    }
}
