// A Hummingbird server whose `/api/hello` is the demo's, in one of three configurations:
//   bare      – the router alone, no middleware, no logging
//   traced    – RequestTracingMiddleware, one JSON line per request to stdout (StructuredLogHandler)
//   builtin   – Hummingbird's LogRequestsMiddleware(.info) + TracingMiddleware + MetricsMiddleware,
//               logging through swift-log's StreamLogHandler to stdout
// Usage: BenchServer MODE PORT
import Foundation
import Hummingbird
import Logging
import RequestTracing
import RequestTracingHummingbird

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[2]) else {
    print("usage: BenchServer bare|traced|builtin PORT")
    exit(2)
}
let mode = arguments[1]

let router = Router()
let logger: Logger
switch mode {
case "bare":
    logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
case "traced":
    router.add(middleware: RequestTracingMiddleware())
    logger = Logger(label: "bench") { StructuredLogHandler(label: $0, service: "gateway") }
case "passthrough":
    // Diagnostic: the cost of any middleware at all.
    router.add(middleware: PassThroughMiddleware())
    logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
case "traced-quiet":
    // Diagnostic: RequestTracingMiddleware with logging at warning, so no line is written per request.
    router.add(middleware: RequestTracingMiddleware())
    logger = Logger(label: "bench") { StructuredLogHandler(label: $0, service: "gateway", logLevel: .warning) }
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
try await app.runService()

struct PassThroughMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await next(request, context)
    }
}
