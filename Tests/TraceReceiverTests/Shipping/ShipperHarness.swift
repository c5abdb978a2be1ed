import AsyncHTTPClient
import Foundation
import Logging
import RequestTracing
@testable import RequestTracingShipper
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Collects a shipper's diagnostics (its stderr messages) for assertions.
final class DiagnosticsLog: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// A shipper configuration for tests: a spool under `directory`, short delays.
func testShipperConfiguration(port: Int, service: String, spool: String, diagnostics: DiagnosticsLog? = nil) -> LogShipper.Configuration {
    var configuration = LogShipper.Configuration(receiverURL: "http://127.0.0.1:\(port)", service: service, spoolDirectory: spool)
    configuration.flushInterval = .milliseconds(10)
    configuration.reconnectBackoff = ReconnectBackoff(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(300))
    if let diagnostics { configuration.diagnostics = { diagnostics.append($0) } }
    return configuration
}

/// Runs `shipper` in a child task for the duration of `body`, then cancels it.
func withRunningShipper<T: Sendable>(_ shipper: LogShipper, _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await shipper.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}

/// A run of a service that cannot reach the receiver and ends (as a crashed process does) with `records`
/// lines `prefix 0`, `prefix 1`, … spooled under `spool`. Returns once that shipper is gone, so its spool
/// lock is released, with the instance id its records carry.
func spoolARunThatEnds(service: String, spool: String, records: Int, prefix: String) async throws -> String {
    weak var gone: LogShipper?
    let instance = try await {
        let shipper = try LogShipper(configuration: testShipperConfiguration(port: try unusedLoopbackPort(), service: service, spool: spool, diagnostics: DiagnosticsLog()))
        gone = shipper
        let logger = shippingLogger(service: service, sink: shipper)
        try await withRunningShipper(shipper) {
            for index in 0..<records { logger.info("\(prefix) \(index)") }
            #expect(await eventually(within: 20) { shipper.statistics.spooledRecords == records })
        }
        return shipper.instance
    }()
    // Work the shipper handed to other threads may hold it, or its spool, for a moment after it stops:
    // a cancelled thread-pool job keeps its closure (and the spool it captured) until a pool thread
    // dequeues it, which under a loaded suite can take a while. What matters is the spool's lock.
    #expect(await eventually(within: 20) { gone == nil }, "the ended run's shipper was released")
    // The folder it used: its own `process-<pid>` one when another holder had the service's folder.
    let own = spool + "/process-\(getpid())"
    let used = FileManager.default.fileExists(atPath: own + "/.lock") ? own : spool
    let released = await eventually(within: 20) {
        guard case .acquired(let descriptor) = FileLock.acquire(used + "/.lock", create: false) else { return false }
        FileLock.release(descriptor)
        return true
    }
    #expect(released, "the ended run's spool lock was released")
    return instance
}

/// A logger whose JSON lines go to `sink`.
func shippingLogger(service: String, sink: any LogSink) -> Logger {
    var logger = Logger(label: service) { StructuredLogHandler(label: $0, service: service, format: .json, sink: sink, logLevel: .trace) }
    logger.logLevel = .trace
    return logger
}

/// The batches the spool folder `directory` holds pending (not acknowledged, not dropped).
func spooledBatches(_ directory: String) -> [ShipperSpool.Batch] {
    SpoolFolder.pendingBatches(in: directory)
}

/// The records in the batches the spool folder `directory` holds pending.
func spooledRecords(_ directory: String) -> Int {
    spooledBatches(directory).reduce(0) { $0 + $1.records }
}

/// Starts the real `demo-server` executable on the given ports, streaming to `receiverURL` with its
/// spool in `spool`. The caller stops it.
func startDemoServer(gatewayPort: Int, inventoryPort: Int, receiverURL: String, spool: String) throws -> SpawnedProgram {
    try SpawnedProgram(
        try builtExecutable("demo-server").path, ["--port", "\(gatewayPort)", "--downstream-port", "\(inventoryPort)"],
        environment: ["TRACE_RECEIVER_URL": receiverURL, "TRACE_RECEIVER_SPOOL_DIR": spool], standardOutput: .null, standardError: .null
    )
}

/// Calls the demo gateway's `/api/checkout` until it answers 200 (the demo may still be starting) and
/// returns the response's `X-Request-ID`.
func demoCheckoutRequestID(gatewayPort: Int) async throws -> String {
    var requestID: String?
    _ = await eventually(within: 20) {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(gatewayPort)/api/checkout")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)), response.status == .ok else { return false }
        requestID = response.headers.first(name: "X-Request-ID")
        return true
    }
    return try #require(requestID, "the demo answered /api/checkout")
}
