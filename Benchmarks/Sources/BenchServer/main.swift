// A Hummingbird server whose `/api/hello` is the demo's, in one of these configurations:
//   bare      – the router alone, no middleware, no logging
//   traced    – RequestTracingMiddleware, one JSON line per request to stdout (StructuredLogHandler)
//   shipped   – traced, and every line also streamed by a LogShipper to TRACE_RECEIVER_URL
//   builtin   – Hummingbird's LogRequestsMiddleware(.info) + TracingMiddleware + MetricsMiddleware,
//               logging through swift-log's StreamLogHandler to stdout
// Diagnostics, to split traced's cost: passthrough (an empty middleware), traced-quiet (no line logged),
// traced-discard (the line encoded, then dropped instead of written). And a floor for issue 2's ratio:
// floor (only what any middleware meeting issue 2 must do, in its simplest form: the ids read or made,
// the context bound in InstrumentationContext, Logger.current bound, X-Request-ID echoed, and a
// prebuilt line of the usual length written per request, with no encoding, clock or level check).
// Usage: BenchServer MODE PORT
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RequestTracing
import RequestTracingHummingbird
import RequestTracingShipper
import ServiceLifecycle
import UnixSignals

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[2]) else {
    print("usage: BenchServer bare|traced|shipped|builtin|passthrough|traced-quiet|traced-discard|floor PORT")
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
case "floor":
    router.add(middleware: FloorMiddleware(sink: FileDescriptorLogSink.standardOutput))
    logger = Logger(label: "bench") { StructuredLogHandler(label: $0, service: "gateway") }
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

/// The `floor` mode's middleware: what any middleware that meets issue 2 must do per request, and nothing
/// more (no request line encoded, no clock read, no level check, `hb.request.id` left as Hummingbird set it).
struct FloorMiddleware<Context: RequestContext>: RouterMiddleware {
    let sink: any LogSink
    /// A `request_completed` line of the length the middleware writes (with a fixed id and duration).
    let line = Array(
        #"{"timestamp":"2026-12-01T07:30:00.123456Z","level":"info","service":"gateway","request_id":"019ad9a4-5b3e-7c1a-8f00-0123456789ab","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","event":"request_completed","message":"GET /api/hello 200","method":"GET","path":"/api/hello","status_code":200,"duration_ms":0.012}"#.utf8
    ) + [0x0A]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let trace = request.headers.extractRequestTracing()
        return try await trace.withBound {
            try await withLogger(context.logger) { _ in
                var response = try await next(request, context)
                response.headers.append(HTTPField(name: .xRequestID, value: trace.requestID))
                sink.write(line)
                return response
            }
        }
    }
}
