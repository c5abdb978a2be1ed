import ArgumentParser
import Foundation

/// The record filters that `logs` and `requests` share, sent as the query API's parameters.
struct RecordFilterOptions: ParsableArguments {
    @Option(help: "Only this service.") var service: String?
    @Option(help: "Only this source: backend, frontend or capture.") var source: String?
    @Option(help: "Only these events, comma-separated (request_failed,payment_declined; up to 16).") var event: String?
    @Option(help: "Minimum level (trace … critical).") var level: String?
    @Option(help: "Since a span back from now (30m, 1h, 2d) or an RFC 3339 time.") var since: String?
    @Option(help: "Until a span back from now or an RFC 3339 time.") var until: String?
    @Option(name: [.customShort("q"), .long], help: "Words that must appear in the message or error; a word @KEY=VALUE is a field condition, as --field KEY=VALUE is.") var query: String?
    @Option(
        name: .customLong("field"),
        help: "Only records whose field KEY holds VALUE, as KEY=VALUE (numbers compare as numbers); repeat for more (up to 8)."
    )
    var fields: [String] = []

    /// The filters as query parameters (absent ones `nil`).
    var parameters: [(String, String?)] {
        [("service", service), ("source", source), ("event", event), ("level", level), ("since", since), ("until", until), ("q", query)]
            + fields.map { ("field", $0) }
    }

    /// Each parameter's option, for the receiver's refusals: `request_id` → `--request-id`, `q` → `-q`.
    static func options(for parameters: [(String, String?)]) -> [String: String] {
        Dictionary(
            parameters.map { name, _ in (name, name == "q" ? "-q" : "--" + name.replacingOccurrences(of: "_", with: "-")) },
            uniquingKeysWith: { first, _ in first }
        )
    }
}
