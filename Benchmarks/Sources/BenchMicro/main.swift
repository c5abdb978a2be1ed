// Micro-benchmarks, each against a baseline measured in the same run:
//   UUIDv7.generate().description   vs  Foundation's UUID().uuidString
//   StructuredLogHandler JSON line  vs  swift-log's StreamLogHandler, both to stdout (run with >/dev/null)
// Prints ns per operation (best of several rounds) and ratios.
import Foundation
import Logging
import RequestTracing

@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// `BENCH_ITERATIONS_SCALE=0.01` shrinks every loop (for profiling under valgrind).
let scale = Double(ProcessInfo.processInfo.environment["BENCH_ITERATIONS_SCALE"] ?? "1") ?? 1

/// Best (lowest) ns per iteration over `rounds` rounds of `iterations` each.
func measure(_ name: String, iterations: Int, rounds: Int = 7, _ body: () -> Void) -> Double {
    let iterations = max(1, Int(Double(iterations) * scale))
    for _ in 0..<(iterations / 10) { body() }  // warm-up
    var best = Double.infinity
    for _ in 0..<rounds {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<iterations { body() }
        }
        let ns = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
        best = min(best, ns / Double(iterations))
    }
    FileHandle.standardError.write(Data(String(format: "%-44@ %9.1f ns/op\n", name as NSString, best).utf8))
    return best
}

func report(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

struct DiscardingSink: LogSink {
    func write(_ line: [UInt8]) { blackHole(line) }
}

let uuidFoundation = measure("Foundation UUID().uuidString", iterations: 200_000) { blackHole(UUID().uuidString) }
let uuidV7 = measure("UUIDv7.generate().description", iterations: 2_000_000) { blackHole(UUIDv7.generate().description) }
let uuidV7Raw = measure("UUIDv7.generate() (no string)", iterations: 2_000_000) { blackHole(UUIDv7.generate()) }
report(String(format: "UUIDv7 string is %.1fx faster than Foundation UUID (%.0f ns vs %.0f ns)\n", uuidFoundation / uuidV7, uuidV7, uuidFoundation))

let trace = RequestTraceContext.newRoot()
let metadata: Logger.Metadata = [
    "event": "request_completed", "method": "GET", "path": "/api/hello",
    "status_code": .stringConvertible(200), "duration_ms": .stringConvertible(0.123),
]
var streamLogger = Logger(label: "gateway") { StreamLogHandler.standardOutput(label: $0) }
streamLogger.logLevel = .info
let jsonLogger = Logger(label: "gateway") { StructuredLogHandler(label: $0, service: "gateway") }
let encodeOnlyLogger = Logger(label: "gateway") { StructuredLogHandler(label: $0, service: "gateway", sink: DiscardingSink()) }

let stream = measure("StreamLogHandler line (stdout)", iterations: 100_000) {
    streamLogger.info("GET /api/hello 200", metadata: metadata)
}
let json = trace.withBound {
    measure("StructuredLogHandler JSON line (stdout)", iterations: 300_000) {
        jsonLogger.info("GET /api/hello 200", metadata: metadata)
    }
}
FileDescriptorLogSink.standardOutput.flush()
let encodeOnly = trace.withBound {
    measure("StructuredLogHandler JSON encode only", iterations: 300_000) {
        encodeOnlyLogger.info("GET /api/hello 200", metadata: metadata)
    }
}
let sinkDrops = FileDescriptorLogSink.standardOutput.droppedLineCount
report(String(format: "JSON log line is %.1fx faster than StreamLogHandler (%.0f ns vs %.0f ns; encode only %.0f ns; sink drops %d)", stream / json, json, stream, encodeOnly, sinkDrops))
