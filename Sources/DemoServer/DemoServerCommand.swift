import ArgumentParser
import Foundation
import Logging
import NIOCore
import RequestTracing
import RequestTracingShipper
import ServiceLifecycle
import UnixSignals

/// `demo-server`: two traced services in one process, `gateway` calling `inventory`.
@main
struct DemoServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-server",
        abstract: "Run the gateway and inventory demo services, both traced by RequestTracing.",
        discussion: """
            Logs go to standard output, one JSON record per line (--log-format console for a readable form).
            With TRACE_RECEIVER_URL set (e.g. http://127.0.0.1:7890) they are also streamed to that
            trace receiver; records are spooled while it is unreachable and replayed when it is back.
            The gateway also serves a browser page (Examples/browser) at / whose buttons succeed, fail
            downstream, throw and reject; the page reports failures to the receiver's /api/frontend-log.
            Try:  curl -si http://127.0.0.1:8080/api/checkout
            """
    )

    @Option(help: "Address both services listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port of the gateway service.")
    var port = 8080

    @Option(help: "Port of the inventory service (the gateway's downstream).")
    var downstreamPort = 8081

    @Option(help: "Log format: json, console, or auto (console on a terminal).")
    var logFormat: LogFormatOption = .json

    @Option(help: "Folder of the browser demo page (index.html, request-tracing.js, demo.js, demo.css).")
    var browserFiles = DemoBrowserPage.defaultDirectory

    /// Where the page sends browser reports: the receiver the logs stream to, else the default one.
    static func receiverURL(shipping shipper: LogShipper?) -> String {
        shipper?.configuration.receiverURL ?? "http://127.0.0.1:7890"
    }

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
        // The gateway calls inventory on this port, so it must be a real one.
        guard (1...65_535).contains(downstreamPort) else {
            throw ValidationError("--downstream-port must be between 1 and 65535, not \(downstreamPort)")
        }
    }

    func run() async throws {
        let sink = FileDescriptorLogSink.standardOutput
        let format: LogFormat =
            switch logFormat {
            case .json: .json
            case .console: .console(colour: sink.isTerminal)
            case .auto: .automatic(for: sink)
            }
        let shipper = try LogShipper.Configuration(service: "demo-server").map { try LogShipper(configuration: $0) }
        let logging = DemoLogging(format: format, sink: sink, shipper: shipper)
        if let shipper {
            FileHandle.standardError.write(Data("streaming logs to \(shipper.configuration.receiverURL) (spool: \(shipper.configuration.spoolDirectory))\n".utf8))
        }
        let page: DemoBrowserPage?
        do {
            page = try DemoBrowserPage(directory: browserFiles, receiverURL: Self.receiverURL(shipping: shipper))
        } catch {
            page = nil
            FileHandle.standardError.write(Data("no browser page: \(error)\n".utf8))
        }
        let shownHost = host.bracketedIfIPv6
        let inventory = DemoServices.inventory(host: host, port: downstreamPort, logging: logging) { port in
            FileHandle.standardError.write(Data("inventory listening on http://\(shownHost):\(port)\n".utf8))
        }
        let gateway = DemoServices.gateway(
            host: host, port: port, downstreamPort: downstreamPort, logging: logging, page: page
        ) { port in
            var lines = "gateway   listening on http://\(shownHost):\(port)  (try /api/checkout)\n"
            if let page {
                lines += "open the demo page:     http://\(shownHost):\(port)/\n"
                lines += "and the trace receiver: \(page.receiverOrigin)/  (start it with: swift run trace-receiver)\n"
            }
            FileHandle.standardError.write(Data(lines.utf8))
        }
        let group = ServiceGroup(
            configuration: .init(
                // The shipper first, so it is shut down last and ships the services' final lines.
                services: (shipper.map { [$0] } ?? []) + [inventory, gateway],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logging.logger(service: "demo-server")
            )
        )
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw PortInUse(host: host, ports: [port, downstreamPort])
        }
        sink.flush()
    }
}

/// One of the demo's two ports is taken; says which options choose them.
struct PortInUse: Error, CustomStringConvertible {
    let host: String
    let ports: [Int]

    var description: String {
        "cannot listen on \(host): port \(ports.map(String.init).joined(separator: " or ")) is already in use; "
            + "choose others with --port and --downstream-port"
    }
}

enum LogFormatOption: String, ExpressibleByArgument, CaseIterable {
    case json, console, auto
}
