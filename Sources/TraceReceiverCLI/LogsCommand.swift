import ArgumentParser
import Foundation

/// `trace-receiver logs`: search a running receiver's records from the terminal.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Search the records of a running receiver (oldest of the page first).",
        discussion: "Example: trace-receiver logs --service gateway --level warning --since 1h -q timeout"
    )

    @Option(help: "Receiver URL (default: $TRACE_RECEIVER_URL, else http://127.0.0.1:7890).")
    var receiver: String?

    @Option(help: "Only this request id.") var requestId: String?
    @Option(help: "Only this trace id.") var traceId: String?
    @Option(help: "Only this service.") var service: String?
    @Option(help: "Only this source: backend, frontend or capture.") var source: String?
    @Option(help: "Minimum level (trace … critical).") var level: String?
    @Option(help: "Since a span back from now (30m, 1h, 2d) or an RFC 3339 time.") var since: String?
    @Option(help: "Until a span back from now or an RFC 3339 time.") var until: String?
    @Option(name: [.customShort("q"), .long], help: "Words that must appear in the message or error.") var query: String?
    @Option(help: "Most records to show (1–10000).") var limit = 100
    @Flag(help: "Print the receiver's JSON instead of readable lines.") var json = false

    func run() async throws {
        let client = ReceiverClient(receiver: receiver)
        let (status, body) = try await client.get(
            "/api/debug/logs",
            query: [
                ("request_id", requestId), ("trace_id", traceId), ("service", service), ("source", source),
                ("level", level), ("since", since), ("until", until), ("q", query), ("limit", String(limit)),
            ]
        )
        let object = body as? [String: Any] ?? [:]
        guard status == 200 else { throw ClientError("receiver answered \(status): \(object["message"] ?? "no message")") }
        let logs = (object["logs"] as? [[String: Any]]) ?? []
        if json {
            for record in logs.reversed() { print(RecordPrinter.compact(record)) }
            return
        }
        let printer = RecordPrinter()
        for record in logs.reversed() { print(printer.line(record)) }
        fflush(nil)  // records on stdout before the summary on stderr
        let total = object["totalCount"] as? Int ?? logs.count
        FileHandle.standardError.write(Data("\(logs.count) of \(total) matching records\(object["nextCursor"] != nil ? " (more with a larger --limit or --until)" : "")\n".utf8))
    }
}
