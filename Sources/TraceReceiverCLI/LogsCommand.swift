import ArgumentParser
import Foundation

/// `trace-receiver logs`: search a running receiver's records from the terminal.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Search the records of a running receiver (oldest of the page first), or follow them as they arrive.",
        discussion: """
            Examples:
              trace-receiver logs --service gateway --level warning --since 1h -q timeout
              trace-receiver logs --event request_failed --since 1d
              trace-receiver logs --field pod=shop-7d9f8-x2k4q --field status_code=500
              trace-receiver logs -f --level error    # the last errors, then each new one
            """
    )

    @Option(help: "Receiver URL (default: $TRACE_RECEIVER_URL, else http://127.0.0.1:7890).")
    var receiver: String?

    @Option(help: "Only this request id.") var requestId: String?
    @Option(help: "Only this trace id.") var traceId: String?
    @OptionGroup var filter: RecordFilterOptions
    @Option(help: "Most records to show (1–10000).") var limit = 100
    @Flag(help: "Print the receiver's JSON instead of readable lines.") var json = false
    @Flag(
        name: [.customShort("f"), .long],
        help: "Print the last --limit matching records, then each new one as it is stored, until Ctrl-C (like tail -f)."
    )
    var follow = false

    /// How often `--follow` asks for new records when it has seen them all.
    static let followInterval = Duration.milliseconds(500)

    func validate() throws {
        if follow, filter.until != nil { throw ValidationError("--until cannot be used with --follow, which prints records as they arrive") }
    }

    private var filters: [(String, String?)] {
        [("request_id", requestId), ("trace_id", traceId)] + filter.parameters + [("limit", String(limit))]
    }

    /// Each filter's option, for the receiver's refusals.
    private var options: [String: String] { RecordFilterOptions.options(for: filters) }

    func run() async throws {
        let client = ReceiverClient(receiver: receiver)
        if follow { return try await followArrivals(client) }
        let object = try await client.getObject("/api/debug/logs", query: filters, options: options)
        let logs = (object["logs"] as? [[String: Any]]) ?? []
        if json {
            for record in logs.reversed() { print(RecordPrinter.compact(record)) }
            return
        }
        let printer = RecordPrinter(datingOtherDays: true)
        for record in logs.reversed() { print(printer.line(record)) }
        fflush(nil)  // records on stdout before the summary on stderr
        let total = object["totalCount"] as? Int ?? logs.count
        FileHandle.standardError.write(Data("\(logs.count) of \(total) matching records\(object["nextCursor"] != nil ? " (more with a larger --limit or --until)" : "")\n".utf8))
    }

    /// Prints matching records in the order they are stored, from the last --limit, asking again every
    /// ``followInterval`` (at once while a full page comes back). An unreachable receiver (restarting,
    /// say) is reported once and waited for; an answer that is not 200 (a bad filter) ends the command.
    private func followArrivals(_ client: ReceiverClient) async throws {
        let printer = RecordPrinter(datingOtherDays: true)
        var position: String?
        var unreachable = false
        // Records gone before they could be read, said at most once a second (and when caught up).
        var missed = 0
        var lastMissedNote = ContinuousClock.now - .seconds(1)
        while true {
            var full = false
            do {
                let object = try await client.getObject("/api/debug/logs/follow", query: filters + [("after", position)], options: options)
                if unreachable {
                    FileHandle.standardError.write(Data("[trace-receiver logs] the receiver answers again\n".utf8))
                    unreachable = false
                }
                let logs = (object["logs"] as? [[String: Any]]) ?? []
                for record in logs { print(json ? RecordPrinter.compact(record) : printer.line(record)) }
                fflush(nil)  // each batch reaches a pipe (| grep) at once
                position = object["position"] as? String ?? position
                full = logs.count == limit
                missed += object["missed"] as? Int ?? 0
                if missed > 0, !full || ContinuousClock.now - lastMissedNote >= .seconds(1) {
                    FileHandle.standardError.write(Data("[trace-receiver logs] \(missed) records left the receiver (its size or age limit) before they could be shown; some may have matched\n".utf8))
                    missed = 0
                    lastMissedNote = ContinuousClock.now
                }
            } catch let error as ClientError where error.isUnreachable {
                if !unreachable {
                    FileHandle.standardError.write(Data("[trace-receiver logs] \(error.description); retrying\n".utf8))
                    unreachable = true
                }
            }
            if !full { try await Task.sleep(for: Self.followInterval) }
        }
    }
}
