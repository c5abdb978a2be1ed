import AsyncHTTPClient
import Foundation
import TestSupport
import Testing

/// An executable product of this package, built next to the test binary by `swift build`/`swift test`.
func builtExecutable(_ name: String) throws -> URL {
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = here.deletingLastPathComponent()
    // On Linux the test binary sits in the build folder; on macOS inside an .xctest bundle.
    while directory.path != "/" {
        let candidate = directory.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    throw ExecutableNotBuilt(name: name)
}

struct ExecutableNotBuilt: Error, CustomStringConvertible {
    let name: String
    var description: String { "the \(name) executable was not found next to the tests; run `swift build` first" }
}

/// The real `trace-receiver` executable (built next to the test bundle by `swift build`/`swift test`),
/// run as a child process so a test can kill it with SIGKILL and start it again.
final class ReceiverProcess: Sendable {
    let port: Int
    let store: String
    private let process: SpawnedProgram

    struct DidNotBecomeHealthy: Error {}

    /// Starts `trace-receiver serve` on 127.0.0.1:`port` with an SQLite store in `store` (and `environment`
    /// added to this process's), and waits until its `/health` answers.
    static func start(
        port: Int,
        store: String,
        extraArguments: [String] = [],
        environment: [String: String] = [:]
    ) async throws -> ReceiverProcess {
        let process = try SpawnedProgram(
            try builtExecutable("trace-receiver").path,
            ["serve", "--host", "127.0.0.1", "--port", "\(port)", "--store", store, "--log-level", "error"] + extraArguments,
            environment: environment, standardOutput: .null, standardError: .null
        )
        let receiver = ReceiverProcess(port: port, store: store, process: process)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if await receiver.isHealthy() { return receiver }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        receiver.kill()
        throw DidNotBecomeHealthy()
    }

    private init(port: Int, store: String, process: SpawnedProgram) {
        self.port = port
        self.store = store
        self.process = process
    }

    var pid: Int32 { process.processIdentifier }

    func isHealthy() async -> Bool {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
        request.method = .GET
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)) else { return false }
        return response.status == .ok
    }

    /// Sends SIGKILL (no chance to flush anything) and waits for the process to be gone.
    func kill() {
        process.send(SIGKILL)
        while process.isRunning { usleep(1_000) }
    }

    /// Every message of the records matching `query`, following cursors.
    func messages(_ query: String) async throws -> [String] {
        try await ReceiverProcessClient(port: port).messages(query)
    }

    deinit {
        kill()
    }
}

/// Queries a receiver running in another process over HTTP.
struct ReceiverProcessClient {
    let port: Int

    /// `totalCount` of a search.
    func count(_ query: String) async throws -> Int {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/debug/logs?\(query)&limit=1")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        return try #require(object?["totalCount"] as? Int)
    }

    /// Every message of the records matching `query`, following cursors.
    func messages(_ query: String) async throws -> [String] {
        var messages: [String] = []
        var cursor: String?
        repeat {
            var url = "http://127.0.0.1:\(port)/api/debug/logs?\(query)&limit=10000"
            if let cursor { url += "&cursor=\(cursor)" }
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 64 << 20)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
            let logs = try #require(object["logs"] as? [[String: Any]])
            messages += logs.compactMap { $0["message"] as? String }
            cursor = object["nextCursor"] as? String
        } while cursor != nil
        return messages
    }
}
