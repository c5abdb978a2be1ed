import ArgumentParser
import Foundation
import RequestTracing
import TraceReceiver

/// `trace-receiver trace ID`: one request's merged timeline, readable.
struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Print everything that happened to one request (request id or trace id), across services and the browser."
    )

    @Argument(help: "A request id or trace id.")
    var id: String

    @Option(help: "Receiver URL (default: $TRACE_RECEIVER_URL, else http://127.0.0.1:7890).")
    var receiver: String?

    @Flag(help: "Print the receiver's JSON instead of the readable timeline.")
    var json = false

    func validate() throws {
        // Checked here, as the receiver checks it: an id with a slash would otherwise name another route.
        guard RequestID.isValid(id) else {
            throw ValidationError("not a request or trace id: ids are 1–128 characters of A–Z, a–z, 0–9 and . _ : -")
        }
    }

    func run() async throws {
        let client = ReceiverClient(receiver: receiver)
        let path = "/api/debug/trace/" + id
        let object = try await client.getObject(path)
        if json {
            print(RecordPrinter.compact(object))
            return
        }
        print(Self.render(object, printer: RecordPrinter()))
    }

    static func render(_ trace: [String: Any], printer: RecordPrinter) -> String {
        var lines: [String] = []
        // Ids, services and span names come from senders: sanitised like the records' own strings.
        func text(_ value: Any?, _ absent: String) -> String { (value as? String).map(printer.sanitise) ?? absent }
        let services = ((trace["services"] as? [String]) ?? []).map(printer.sanitise)
        let errors = trace["error_count"] as? Int ?? 0
        lines.append(printer.bold("request \(text(trace["request_id"], "-"))  trace \(text(trace["trace_id"], "-"))"))
        lines.append(
            "started \(text(trace["started_at"], "?"))  took \(String(format: "%.1f", trace["duration_ms"] as? Double ?? 0)) ms  "
                + "services \(services.joined(separator: " → "))  "
                + (errors > 0 ? printer.paint("\(errors) error(s)", level: "error") : "no errors")
        )
        if trace["truncated"] as? Bool == true { lines.append(truncatedTimelineNote) }
        let spans = (trace["spans"] as? [[String: Any]]) ?? []
        if !spans.isEmpty {
            lines.append("")
            lines.append(printer.bold("spans"))
            let ids = Set(spans.compactMap { $0["span_id"] as? String })
            func children(of parent: String?) -> [[String: Any]] {
                spans.filter { span in
                    let parentID = span["parent_span_id"] as? String
                    return parent == nil ? (parentID == nil || !ids.contains(parentID!)) : parentID == parent
                }
            }
            func walk(_ span: [String: Any], depth: Int) {
                let status = span["status"] as? String ?? "ok"
                let duration = (span["duration_ms"] as? Double).map { String(format: "%.1f ms", $0) } ?? "?"
                let label = "\(String(repeating: "  ", count: depth))\(text(span["service"], "?"))  \(text(span["name"], ""))  \(duration)"
                lines.append("  " + (status == "error" ? printer.paint(label + "  ✗", level: "error") : label))
                for child in children(of: span["span_id"] as? String) { walk(child, depth: depth + 1) }
            }
            for root in children(of: nil) { walk(root, depth: 0) }
        }
        lines.append("")
        lines.append(printer.bold("timeline"))
        for record in (trace["timeline"] as? [[String: Any]]) ?? [] {
            lines.append("  " + printer.line(record, showRequestID: false))
        }
        return lines.joined(separator: "\n")
    }
}
