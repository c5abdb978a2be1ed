import ArgumentParser
import Foundation

/// `trace-receiver requests`: the latest requests, as the web page lists them, in a terminal.
struct RequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests",
        abstract: "List the latest requests (newest last): method, path, status, duration, services and the id that `trace` takes.",
        discussion: """
            A request is listed when any of its records matches the filters; each is summarised from its hops' \
            request_completed / request_failed records (a request still running, from the records it has).

            Examples:
              trace-receiver requests --since 15m
              trace-receiver requests --level error     # those that logged an error
              trace-receiver requests --service inventory -q timeout
              trace-receiver trace <id>                 # what happened inside one
            """
    )

    @Option(help: "Receiver URL (default: $TRACE_RECEIVER_URL, else http://127.0.0.1:7890).")
    var receiver: String?

    @OptionGroup var filter: RecordFilterOptions
    @Option(help: "Most requests to show (1–500).") var limit = 20
    @Flag(help: "Print the receiver's JSON for each request instead of readable lines.") var json = false

    func run() async throws {
        let parameters = filter.parameters + [("limit", String(limit))]
        let object = try await ReceiverClient(receiver: receiver)
            .getObject("/api/requests", query: parameters, options: RecordFilterOptions.options(for: parameters))
        let requests = (object["requests"] as? [[String: Any]]) ?? []
        let printer = RecordPrinter(datingOtherDays: true)
        for request in requests.reversed() { print(json ? RecordPrinter.compact(request) : printer.request(request)) }
        fflush(nil)  // the list on stdout before the summary on stderr
        let failed = requests.filter { $0["failed"] as? Bool == true }.count
        let summary = requests.isEmpty ? "no requests match" : "\(requests.count) requests, \(failed) failed; `trace-receiver trace ID` shows one"
        FileHandle.standardError.write(Data((summary + "\n").utf8))
    }
}
