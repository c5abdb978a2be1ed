// A Hummingbird server whose `/api/hello` is the demo's, in one of three configurations:
//   bare      – the router alone, no middleware, no logging
//   traced    – RequestTracingMiddleware, one JSON line per request to stdout (StructuredLogHandler)
//   shipped   – traced, and every line also streamed by a LogShipper to TRACE_RECEIVER_URL
//   builtin   – Hummingbird's LogRequestsMiddleware(.info) + TracingMiddleware + MetricsMiddleware,
//               logging through swift-log's StreamLogHandler to stdout
// Diagnostics, to split traced's cost: passthrough (an empty middleware), traced-quiet (no line logged),
// traced-discard (the line encoded, then dropped instead of written).
// Usage: BenchServer MODE PORT
import Foundation
import Hummingbird
import Logging
import RequestTracing
import RequestTracingHummingbird
import RequestTracingShipper
import ServiceLifecycle
import UnixSignals

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[2]) else {
    print("usage: BenchServer bare|traced|shipped|builtin|passthrough|traced-quiet|traced-discard PORT")
    exit(2)
}
let mode = arguments[1]

let router = Router()
let logger: Logger
var shipper: LogShipper?
switch mode {
case "bare":
    logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
case "traced":
    router.add(middleware: RequestTracingMiddleware())
    logger = Logger(label: "bench") { StructuredLogHandler(label: $0, service: "gateway") }
case "shipped":
    guard let configuration = LogShipper.Configuration(service: "gateway") else {
        print("shipped mode needs TRACE_RECEIVER_URL")
        exit(2)
    }
    let running = try LogShipper(configuration: configuration)
    shipper = running
    router.add(middleware: RequestTracingMiddleware())
    let sink = MultiplexLogSink([FileDescriptorLogSink.standardOutput, running])
    logger = Logger(label: "bench") { StructuredLogHandler(label: $0, service: "gateway", sink: sink) }
case "passthrough":
    // Diagnostic: the cost of any middleware at all.
    router.add(middleware: PassThroughMiddleware())
    logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
case "traced-quiet":
    // Diagnostic: RequestTracingMiddleware with logging at warning, so no line is written per request.
    router.add(middleware: RequestTracingMiddleware())
    logger = Logger(label: "bench") { StructuredLogHandler(label: $0, service: "gateway", logLevel: .warning) }
case "traced-discard":
    // Diagnostic: RequestTracingMiddleware writing its line to a sink that drops it (encoding without I/O).
    router.add(middleware: RequestTracingMiddleware())
    logger = Logger(label: "bench") { StructuredLogHandler(label: $0, service: "gateway", sink: DiscardingSink()) }
case "builtin":
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: TracingMiddleware())
    router.add(middleware: MetricsMiddleware())
    logger = Logger(label: "bench") { StreamLogHandler.standardOutput(label: $0) }
default:
    print("unknown mode \(mode)")
    exit(2)
}
router.get("/api/hello") { _, _ in "Hello from the gateway!\n" }

let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    logger: logger
)
if let shipper {
    try await ServiceGroup(services: [shipper, app], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger).run()
    let statistics = shipper.statistics
    FileHandle.standardError.write(Data("shipper: \(statistics.acknowledgedRecords) acknowledged, \(statistics.spooledRecords) still spooled, \(statistics.droppedFromQueue + statistics.droppedFromSpool) dropped\n".utf8))
} else {
    try await app.runService()
}

struct PassThroughMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await next(request, context)
    }
}

struct DiscardingSink: LogSink {
    func write(_ line: [UInt8]) {}
}
