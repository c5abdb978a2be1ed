import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import TraceReceiver

/// A receiver started by ``withReceiver(directory:configure:_:)``: its bound port and the instance (for
/// direct access to its store).
struct RunningReceiver: Sendable {
    let port: Int
    let receiver: TraceReceiver

    var store: any LogStore { receiver.store }
    var baseURL: String { "http://127.0.0.1:\(port)" }
}

/// An HTTP answer: status, headers and body text.
struct Reply: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: String
    /// The body's bytes, for bodies that are not text (protobuf).
    var bytes: [UInt8] = []

    /// The body parsed as a JSON object; fails the test when it is not one.
    func object(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            "expected a JSON object, got \(body)", sourceLocation: sourceLocation
        )
    }

    /// The body parsed as a JSON array of objects.
    func array(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]],
            "expected a JSON array, got \(body)", sourceLocation: sourceLocation
        )
    }

    /// The `error` code of a JSON error body.
    var errorCode: String? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["error"] as? String
    }

    /// The `message` of a JSON error body.
    var errorMessage: String? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["message"] as? String
    }
}

/// A quiet logger: the receiver's own logs are not what these tests look at.
let quietLogger = Logger(label: "trace-receiver-test") { _ in SwiftLogNoOpLogHandler() }

/// Makes a fresh directory under the system temporary directory, runs `body` with its path and removes
/// it afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("trace-receiver-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Runs a real receiver on 127.0.0.1 with an ephemeral port for the duration of `body`, then cancels it
/// and waits for `run()` to return (which closes the store). A `run()` that fails, or does not stop
/// cleanly on cancellation, fails the call.
///
/// - Parameters:
///   - directory: SQLite directory; `nil` makes a fresh temporary one (removed afterwards). Ignored when
///     `configure` selects the memory store.
///   - configure: Adjusts the configuration (limits, store) before the receiver starts.
func withReceiver<T: Sendable>(
    directory: String? = nil,
    configure: (inout ReceiverConfiguration) -> Void = { _ in },
    _ body: (RunningReceiver) async throws -> T
) async throws -> T {
    guard let directory else {
        return try await withTemporaryDirectory { try await withReceiver(directory: $0, configure: configure, body) }
    }
    var configuration = ReceiverConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.store = .sqlite(directory: directory)
    configure(&configuration)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let receiver = try TraceReceiver(configuration: configuration, logger: quietLogger) { port in
        continuation.yield(port)
        continuation.finish()
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { continuation.finish() }
            try await receiver.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            // run() ended before listening: surface its error.
            try await group.next()
            throw ReceiverDidNotStart()
        }
        let result: T
        do {
            result = try await body(RunningReceiver(port: port, receiver: receiver))
        } catch {
            group.cancelAll()
            try? await group.waitForAll()
            throw error
        }
        group.cancelAll()
        // run() must return (not throw) once cancelled: it stops the server and closes the store.
        try await group.waitForAll()
        return result
    }
}

struct ReceiverDidNotStart: Error {}

extension RunningReceiver {
    /// Sends a request; `body` as bytes, with the given headers.
    func request(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: collected), bytes: Array(buffer: collected))
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await request(.GET, path, headers: headers)
    }

    /// `POST /api/logs` with an NDJSON (or JSON array) body.
    func postLogs(_ body: String, query: String = "", headers: [(String, String)] = []) async throws -> Reply {
        try await request(.POST, "/api/logs" + query, body: Array(body.utf8), headers: headers)
    }

    /// `POST /api/logs` with raw bytes.
    func postLogs(bytes: [UInt8], query: String = "", headers: [(String, String)] = []) async throws -> Reply {
        try await request(.POST, "/api/logs" + query, body: bytes, headers: headers)
    }

    /// `POST /api/frontend-log`.
    func postFrontend(_ body: String, headers: [(String, String)] = [("Content-Type", "application/json")]) async throws -> Reply {
        try await request(.POST, "/api/frontend-log", body: Array(body.utf8), headers: headers)
    }

    /// `GET /api/debug/logs?…`; the `logs` array and the whole object.
    func search(_ query: String) async throws -> (logs: [[String: Any]], page: [String: Any]) {
        let reply = try await get("/api/debug/logs" + (query.isEmpty ? "" : "?" + query))
        #expect(reply.status == 200, "search \(query): \(reply.body)")
        let page = try reply.object()
        return (try #require(page["logs"] as? [[String: Any]]), page)
    }

    /// The `/metrics` text.
    func metrics() async throws -> String {
        let reply = try await get("/metrics")
        #expect(reply.status == 200)
        return reply.body
    }
}

/// The counts of an ingest answer.
struct Counts: Equatable, CustomStringConvertible {
    var accepted: Int
    var duplicates: Int
    var rejected: Int

    init(accepted: Int, duplicates: Int = 0, rejected: Int = 0) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.rejected = rejected
    }

    init(_ object: [String: Any]) {
        accepted = object["accepted"] as? Int ?? -1
        duplicates = object["duplicates"] as? Int ?? -1
        rejected = object["rejected"] as? Int ?? -1
    }

    var description: String { "accepted \(accepted), duplicates \(duplicates), rejected \(rejected)" }
}

extension Reply {
    /// The counts of a `POST /api/logs` answer.
    func counts() throws -> Counts { Counts(try object()) }

    /// The `errors` of a `POST /api/logs` answer as (line, reason).
    func lineErrors() throws -> [(line: Int, reason: String)] {
        let errors = try #require(try object()["errors"] as? [[String: Any]])
        return errors.map { ($0["line"] as? Int ?? -1, $0["reason"] as? String ?? "") }
    }
}

/// One NDJSON record line built from key/value pairs (values JSON-encoded by JSONSerialization).
func recordLine(_ object: [String: Any]) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// An RFC 3339 timestamp `secondsAgo` before now (millisecond precision).
func timestamp(secondsAgo: Double = 0, from now: Date = Date()) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: now.addingTimeInterval(-secondsAgo))
}

/// The value of a Prometheus sample line `name{labels} value` whose labels include every given pair.
func metricValue(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(name) && !line.hasPrefix("#") {
        let rest = line.dropFirst(name.count)
        guard rest.first == "{" || rest.first == " " else { continue }
        let labelsText = rest.first == "{" ? String(rest[rest.index(after: rest.startIndex)..<(rest.firstIndex(of: "}") ?? rest.endIndex)]) : ""
        let matches = labels.allSatisfy { labelsText.contains("\($0.key)=\"\($0.value)\"") }
        if matches, let value = line.split(separator: " ").last.flatMap({ Double($0) }) { return value }
    }
    return nil
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double = 5, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
