import ArgumentParser
import Foundation
import RequestTracingShipper
import TraceReceiver

/// The options `run` and `tail` share, and the pieces both build from them: the receiver to talk to
/// (started when none answers), the line parser and the shipper.
struct CaptureOptions: ParsableArguments {
    @Option(help: "Service name for lines that do not name one.")
    var service: String?

    @Option(help: "Receiver base URL (default: TRACE_RECEIVER_URL, else http://127.0.0.1:7890).")
    var receiver: String?

    @Option(help: "Store directory of a receiver started by this command.")
    var store = ".trace-receiver"

    @Option(
        help: "Read a line's `NAME | ` prefix (docker compose, foreman, honcho, overmind), `[pod/POD/CONTAINER] ` (kubectl logs --prefix), `[NAME] ` (concurrently, npm-run-all) or `PACKAGE:TASK: ` (turbo) as the service it came from: auto (for those commands under `run`, also through npx, pnpm, yarn or bun), on, off."
    )
    var servicePrefixes = ServicePrefixMode.auto

    @Option(help: "YAML file with custom line patterns (see CapturePattern).")
    var patterns: String?

    @Flag(help: "Do not start a receiver when none answers; lines are spooled until one does.")
    var noDaemon = false

    @Option(help: "Seconds to wait at exit, with no line acknowledged, for the receiver to take the last lines: `run` waits as long as it keeps taking them, `tail` this long at most (the rest stays spooled for the next run).")
    var exitFlushTimeout: Double = 5

    /// ``exitFlushTimeout`` as a duration (at least zero).
    var exitFlushDuration: Duration { .milliseconds(Int(max(0, exitFlushTimeout) * 1000)) }

    var baseURL: String { ReceiverClient(receiver: receiver).baseURL }

    /// Starts a receiver when none answers (unless `--no-daemon`), telling the user through `note`.
    func ensureReceiver(note: (String) -> Void) async throws {
        try ReceiverClient(receiver: receiver).requireAddress()
        if !noDaemon, let started = try await DaemonLauncher.ensureRunning(baseURL, store: store) { note(started) }
    }

    /// The parser, with `--patterns` loaded.
    func makeParser(service: String) throws -> CaptureParser {
        let custom = try patterns.map { try CapturePattern.load(yaml: String(contentsOfFile: $0, encoding: .utf8)) } ?? []
        return CaptureParser(service: service, patterns: custom)
    }

    /// A shipper to the receiver, whose spool folder is named after `kind` (`run`, `tail`) and the service,
    /// under `TRACE_RECEIVER_SPOOL_DIR` when it is set (it reads the token from the environment too).
    func makeShipper(kind: String, service: String, note: @escaping @Sendable (String) -> Void) throws -> LogShipper {
        var environment = ProcessInfo.processInfo.environment
        environment["TRACE_RECEIVER_URL"] = baseURL
        var configuration =
            LogShipper.Configuration(service: kind + "-" + service, environment: environment)
            ?? LogShipper.Configuration(receiverURL: baseURL, service: kind + "-" + service)
        configuration.diagnostics = note
        return try LogShipper(configuration: configuration)
    }
}
