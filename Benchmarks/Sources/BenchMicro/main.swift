// Micro-benchmarks, each against a baseline measured in the same run:
//   UUIDv7.generate().description   vs  Foundation's UUID().uuidString
//   StructuredLogHandler JSON line  vs  swift-log's StreamLogHandler, both to stdout (run with >/dev/null)
//   shipping: StructuredLogHandler → MultiplexLogSink(stdout-like sink, LogShipper) vs the same without the shipper
//   /api/hello through a Hummingbird responder in process, with RequestTracingMiddleware vs bare
// Prints ns per operation (median and best of several rounds) and ratios built from the medians.
import Foundation
import Hummingbird
import Instrumentation
import NIOEmbedded
import RequestTracingHummingbird
import Logging
import RequestTracing
import RequestTracingShipper

@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// `BENCH_ITERATIONS_SCALE=0.01` shrinks every loop (for profiling under valgrind).
let scale = Double(ProcessInfo.processInfo.environment["BENCH_ITERATIONS_SCALE"] ?? "1") ?? 1

/// `BENCH_ONLY=text` runs only the benchmarks whose name contains `text` (for `perf stat`: instructions per
/// operation = difference between two `BENCH_ITERATIONS_SCALE`s / difference in operations, where one
/// benchmark runs 7.1 × its scaled iteration count).
let only = ProcessInfo.processInfo.environment["BENCH_ONLY"]

/// Median ns per iteration over `rounds` rounds of `iterations` each (the best round is printed too).
/// "met" / "not met" for a figure against its goal (at most `goal`), or "not measured" when BENCH_ONLY
/// skipped it.
func verdict(_ value: Double, goal: Double) -> String {
    value.isNaN ? "not measured" : (value <= goal ? "met" : "not met")
}

/// Whether BENCH_ONLY selects any of `names` (or is unset).
func selected(_ names: String...) -> Bool {
    guard let only else { return true }
    return names.contains { $0.contains(only) }
}

func medianOf(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func measure(_ name: String, iterations: Int, rounds: Int = 7, _ body: () -> Void) -> Double {
    if let only, !name.contains(only) { return .nan }
    let iterations = max(1, Int(Double(iterations) * scale))
    for _ in 0..<(iterations / 10) { body() }  // warm-up
    var perRound: [Double] = []
    for _ in 0..<rounds {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<iterations { body() }
        }
        let ns = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
        perRound.append(ns / Double(iterations))
    }
    perRound.sort()
    let median = perRound[perRound.count / 2]
    FileHandle.standardError.write(Data(String(format: "%-48@ %9.1f ns/op median  (best %.1f)\n", name as NSString, median, perRound[0]).utf8))
    return median
}

func report(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// A handler at level info that drops every record: what a log call costs before a handler does anything.
struct IgnoringLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { blackHole(event) }
}

struct DiscardingSink: LogSink {
    func write(_ line: [UInt8]) { blackHole(line) }
    func write(bytes line: UnsafeRawBufferPointer) { blackHole(line) }
}

let uuidFoundation = measure("Foundation UUID().uuidString", iterations: 200_000) { blackHole(UUID().uuidString) }
let uuidV7 = measure("UUIDv7.generate().description", iterations: 2_000_000) { blackHole(UUIDv7.generate().description) }
let uuidV7Raw = measure("UUIDv7.generate() (no string)", iterations: 2_000_000) { blackHole(UUIDv7.generate()) }
report(String(format: "UUIDv7 string is %.1fx faster than Foundation UUID (%.0f ns vs %.0f ns)\n", uuidFoundation / uuidV7, uuidV7, uuidFoundation))

// A real log call: `logger.info` through swift-log, metadata written at the call site (so the dictionary is
// built per call, as in application code), the request's ids bound task-locally. Both handlers run in the
// same process and the same round structure.
let trace = RequestTraceContext(
    incomingRequestID: nil,
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    tracestate: nil
)
let method = "GET", path = "/api/hello"

// What binding a request's context costs, in parts: building the InstrumentationContext bag (a dictionary
// entry through swift-distributed-tracing's generic subscript), and binding the task-locals.
_ = measure("InstrumentationContext with the request context (built)", iterations: 1_000_000) { blackHole(trace.instrumentationContext()) }
_ = measure("  bound (withBound, sync)", iterations: 1_000_000) { trace.withBound { blackHole(0) } }
let prebuiltContext = trace.instrumentationContext()
_ = measure("  a prebuilt bag bound (InstrumentationContext.withValue)", iterations: 1_000_000) {
    InstrumentationContext.withValue(prebuiltContext) { blackHole(0) }
}

var streamLogger = Logger(label: "gateway") { StreamLogHandler.standardOutput(label: $0) }
streamLogger.logLevel = .info
let jsonLogger = Logger(label: "gateway") { StructuredLogHandler(label: $0, service: "gateway") }
let discardingLogger = Logger(label: "gateway") { StructuredLogHandler(label: $0, service: "gateway", sink: DiscardingSink()) }

@inline(never)
func logRequestCompleted(_ logger: Logger, status: Int, duration: Double) {
    logger.info(
        "\(method) \(path) \(status)",
        metadata: [
            "event": "request_completed", "method": .string(method), "path": .string(path),
            "status_code": .stringConvertible(status), "duration_ms": .stringConvertible(duration),
        ]
    )
}

@inline(never)
func logTwoFields(_ logger: Logger) {
    logger.info("order placed", metadata: ["order_id": "o-1234", "items": .stringConvertible(3)])
}

let stream = trace.withBound {
    measure("StreamLogHandler line (stdout)", iterations: 100_000) {
        logRequestCompleted(streamLogger, status: 200, duration: 0.123)
    }
}
let json = trace.withBound {
    measure("StructuredLogHandler JSON line (stdout)", iterations: 300_000) {
        logRequestCompleted(jsonLogger, status: 200, duration: 0.123)
    }
}
FileDescriptorLogSink.standardOutput.flush()
let encodeOnly = trace.withBound {
    measure("StructuredLogHandler JSON line (discarding)", iterations: 300_000) {
        logRequestCompleted(discardingLogger, status: 200, duration: 0.123)
    }
}
let twoFields = trace.withBound {
    measure("  2-field call (discarding)", iterations: 300_000) { logTwoFields(discardingLogger) }
}
// What the same calls cost before any handler runs: swift-log builds the message and the metadata
// dictionary at the call site and hands them to a handler that does nothing with them.
let ignoringLogger = Logger(label: "gateway") { _ in IgnoringLogHandler() }
let callSite = trace.withBound {
    measure("  call site only (ignoring handler)", iterations: 300_000) {
        logRequestCompleted(ignoringLogger, status: 200, duration: 0.123)
    }
}
let twoFieldsCallSite = trace.withBound {
    measure("  2-field call site only (ignoring handler)", iterations: 300_000) { logTwoFields(ignoringLogger) }
}
// The middleware's own line: RequestTracingMiddleware writes `request_completed` through the handler's
// typed path (no message string, no metadata dictionary), passing the context it bound; the same bytes as
// `logRequestCompleted` above.
let stdoutHandler = StructuredLogHandler(label: "gateway", service: "gateway")
let discardingHandler = StructuredLogHandler(label: "gateway", service: "gateway", sink: DiscardingSink())
let middlewareLine = trace.withBound {
    measure("middleware request_completed line (stdout)", iterations: 1_000_000) {
        blackHole(stdoutHandler.logRequestCompleted(level: .info, method: method, path: path, statusCode: 200, durationMS: 0.123, trace: trace))
    }
}
FileDescriptorLogSink.standardOutput.flush()
let middlewareLineDiscarding = trace.withBound {
    measure("middleware request_completed line (discarding)", iterations: 1_000_000) {
        blackHole(discardingHandler.logRequestCompleted(level: .info, method: method, path: path, statusCode: 200, durationMS: 0.123, trace: trace))
    }
}
let sinkDrops = FileDescriptorLogSink.standardOutput.droppedLineCount
report(String(format: "JSON log line is %.1fx faster than StreamLogHandler (%.0f ns vs %.0f ns; discarding sink %.0f ns, 2 fields %.0f ns; sink drops %d)", stream / json, json, stream, encodeOnly, twoFields, sinkDrops))
report(String(format: "  of which swift-log's call site (message, metadata dictionary): %.0f ns; our handler: %.0f ns to stdout, %.0f ns discarding; 2 fields: call site %.0f ns, handler %.0f ns", callSite, json - callSite, encodeOnly - callSite, twoFieldsCallSite, twoFields - twoFieldsCallSite))
report(String(format: "  the middleware's request_completed line (typed path): %.0f ns to stdout, %.0f ns discarding", middlewareLine, middlewareLineDiscarding))
report(String(format: "goal: JSON line <= 1000 ns: %@ through swift-log with 5 metadata fields (%.0f ns); %@ for the middleware's line (%.0f ns)", verdict(json, goal: 1000), json, verdict(middlewareLine, goal: 1000), middlewareLine))

// Shipping: the cost a LogShipper adds to the logging call on the calling task. The shipper runs for real
// (background batching and spooling to a temporary folder); no receiver listens, so every batch stays in
// the spool (bounded; oldest dropped), which is the most work the background can have.
/// On the main actor, as top-level code is: the measuring loops must not occupy the cooperative pool,
/// whose only thread under `taskset -c 0` (as `run.sh` runs this) the shipper's background task needs.
@MainActor func measureShipping() async throws {
    let spoolDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-spool-\(getpid())").path
    var shipperConfiguration = LogShipper.Configuration(receiverURL: "http://127.0.0.1:9", service: "bench", spoolDirectory: spoolDirectory)
    shipperConfiguration.diagnostics = { _ in }
    let shipper = try LogShipper(configuration: shipperConfiguration)
    // Detached: top-level code runs on the main actor, which the synchronous measuring loops keep busy.
    let shipperTask = Task.detached { try await shipper.run() }
    let teeLogger = Logger(label: "gateway") { StructuredLogHandler(label: $0, service: "gateway", sink: MultiplexLogSink([DiscardingSink(), shipper])) }
    let shipOnlyLogger = Logger(label: "gateway") { StructuredLogHandler(label: $0, service: "gateway", sink: shipper) }
    // With and without the shipper alternate round by round, so drift in machine speed hits both alike; the
    // added cost is the median of the per-round differences.
    var withoutRounds: [Double] = [], withRounds: [Double] = [], aloneRounds: [Double] = []
    for _ in 0..<9 {
        trace.withBound {
            withoutRounds.append(measure("request_completed → discarding sink", iterations: 100_000, rounds: 1) {
                logRequestCompleted(discardingLogger, status: 200, duration: 0.123)
            })
            withRounds.append(measure("request_completed → discarding sink + shipper", iterations: 100_000, rounds: 1) {
                logRequestCompleted(teeLogger, status: 200, duration: 0.123)
            })
            aloneRounds.append(measure("request_completed → shipper alone", iterations: 100_000, rounds: 1) {
                logRequestCompleted(shipOnlyLogger, status: 200, duration: 0.123)
            })
        }
    }
    let withoutShipper = medianOf(withoutRounds)
    let withShipper = medianOf(withRounds)
    let shipperAlone = medianOf(aloneRounds)
    let addedByShipping = medianOf(zip(withRounds, withoutRounds).map { $0 - $1 })
    shipperTask.cancel()
    _ = try? await shipperTask.value
    let shipped = shipper.statistics
    try? FileManager.default.removeItem(atPath: spoolDirectory)
    report(String(format: "shipping adds %.0f ns per logging call (median of 9 paired rounds; %.0f ns with vs %.0f ns without); shipper alone %.0f ns per call", addedByShipping, withShipper, withoutShipper, shipperAlone))
    report("  shipper background: \(shipped.spooledRecords) records spooled, \(shipped.droppedFromQueue) dropped from the queue, \(shipped.droppedFromSpool) from the spool")
    report(String(format: "goal: shipping adds <= 1000 ns: %@", verdict(addedByShipping, goal: 1000)))
}
if selected("request_completed → discarding sink", "request_completed → discarding sink + shipper", "request_completed → shipper alone") {
    try await measureShipping()
}

// The middleware in process: `/api/hello` through a Hummingbird router's responder, bare and with
// RequestTracingMiddleware, without sockets or HTTP parsing, so the middleware's own cost per request shows
// without the noise of a loaded loopback. Each request gets its logger and context the way Hummingbird's
// server makes them. Bare and traced alternate round by round; the added cost is the median of the per-round
// differences.
func helloResponder(middleware: Bool) -> some HTTPResponder<BasicRequestContext> {
    let router = Router()
    if middleware { router.add(middleware: RequestTracingMiddleware()) }
    router.get("/api/hello") { _, _ in "Hello from the gateway!\n" }
    return router.buildResponder()
}

func measureRequests(
    _ name: String,
    responder: some HTTPResponder<BasicRequestContext>,
    logger: Logger,
    iterations: Int
) async -> Double {
    if let only, !name.contains(only) { return .nan }
    let iterations = max(1, Int(Double(iterations) * scale))
    let channel = NIOAsyncTestingChannel()
    let request = Request(
        head: HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/api/hello", headerFields: [.accept: "*/*"]),
        body: RequestBody(buffer: ByteBuffer())
    )
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<iterations {
        var requestLogger = logger
        requestLogger[metadataKey: "hb.request.id"] = .stringConvertible(Hummingbird.RequestID())
        let context = BasicRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: requestLogger))
        blackHole(try? await responder.respond(to: request, context: context))
    }
    let elapsed = clock.now - start
    return (Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9) / Double(iterations)
}

let bareResponder = helloResponder(middleware: false)
let tracedResponder = helloResponder(middleware: true)
let quietLogger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
let unloggedLogger = Logger(label: "bench") { StructuredLogHandler(label: $0, service: "gateway", sink: DiscardingSink(), logLevel: .warning) }
var bareRounds: [Double] = [], unloggedRounds: [Double] = [], tracedRounds: [Double] = [], tracedStdoutRounds: [Double] = []
for _ in 0..<9 where selected("/api/hello bare", "/api/hello unlogged", "/api/hello traced") {
    bareRounds.append(await measureRequests("/api/hello bare", responder: bareResponder, logger: quietLogger, iterations: 100_000))
    unloggedRounds.append(await measureRequests("/api/hello unlogged", responder: tracedResponder, logger: unloggedLogger, iterations: 100_000))
    tracedRounds.append(await measureRequests("/api/hello traced", responder: tracedResponder, logger: discardingLogger, iterations: 100_000))
    tracedStdoutRounds.append(await measureRequests("/api/hello traced", responder: tracedResponder, logger: jsonLogger, iterations: 100_000))
}
FileDescriptorLogSink.standardOutput.flush()
if !bareRounds.isEmpty, !bareRounds.contains(where: \.isNaN) {
    report(String(
        format: "\n/api/hello in process: bare %.0f ns; traced %.0f ns (no line logged), %.0f ns (line to a discarding sink), %.0f ns (line to stdout)\n  the middleware adds %.0f ns per request: %.0f ns without its line, %.0f ns with it discarded",
        medianOf(bareRounds), medianOf(unloggedRounds), medianOf(tracedRounds), medianOf(tracedStdoutRounds),
        medianOf(zip(tracedStdoutRounds, bareRounds).map { $0 - $1 }), medianOf(zip(unloggedRounds, bareRounds).map { $0 - $1 }),
        medianOf(zip(tracedRounds, bareRounds).map { $0 - $1 })
    ))
}
