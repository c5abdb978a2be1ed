import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import Testing

/// Options of the real `trace-receiver serve` executable that only a running daemon shows.
@Suite("trace-receiver serve: options")
struct ServeOptionsTests {
    @Test func dedupCapacityBoundsHowManyRecordsAreRemembered() async throws {
        let port = try unusedLoopbackPort()
        try await withTemporaryDirectory { directory in
            let receiver = try await ReceiverProcess.start(port: port, store: directory + "/store", extraArguments: ["--dedup-capacity", "2"])
            defer { receiver.kill() }
            let record = { (name: String) in #"{"timestamp":"2026-11-29T10:00:00Z","service":"dedup","message":"\#(name)"}"# }
            #expect(try await Self.post(record("a"), port: port) == Counts(accepted: 1))
            #expect(try await Self.post(record("a"), port: port) == Counts(accepted: 0, duplicates: 1))
            #expect(try await Self.post([record("b"), record("c")].joined(separator: "\n"), port: port) == Counts(accepted: 2))
            // Only the last two (b, c) are remembered now, so a is stored again and c is not.
            #expect(try await Self.post([record("a"), record("c")].joined(separator: "\n"), port: port) == Counts(accepted: 1, duplicates: 1))
            #expect(try await receiver.messages("service=dedup").sorted() == ["a", "a", "b", "c"])
        }
    }

    @Test(arguments: [
        ["--dedup-window", "10x"], ["--dedup-capacity", "0"], ["--port", "70000"], ["--port", "-1"], ["--log-level", "loud"], ["--first-request-timeout", "0s"], ["--max-clock-skew", "soon"],
    ])
    func aBadOptionStopsTheDaemonWithAnErrorNamingIt(_ arguments: [String]) async throws {
        let (status, message) = try await Self.serve(["--port", "0", "--store", "memory"] + arguments)
        #expect(status != 0)
        #expect(message.contains(arguments[0]), "stderr: \(message)")
    }

    @Test func aTakenPortStopsTheDaemonWithAnErrorSayingSoAndWhatToChange() async throws {
        let port = try unusedLoopbackPort()
        try await withTemporaryDirectory { directory in
            let first = try await ReceiverProcess.start(port: port, store: directory + "/first")
            defer { first.kill() }
            let (status, message) = try await Self.serve(["--port", "\(port)", "--store", "memory"])
            #expect(status != 0)
            #expect(message.contains("cannot listen on 127.0.0.1:\(port): the port is already in use"), "stderr: \(message)")
            #expect(message.contains("--port"), "stderr: \(message)")
            #expect(await first.isHealthy(), "the running receiver is untouched")
        }
    }

    @Test func aStoreThatCannotBeOpenedStopsTheDaemonSayingWhichFileAndWhatToDo() async throws {
        try await withTemporaryDirectory { directory in
            let damaged = directory + "/damaged"
            try FileManager.default.createDirectory(atPath: damaged, withIntermediateDirectories: true)
            let garbage = Data("this is not a database, but it is somebody's file\n".utf8)
            try garbage.write(to: URL(fileURLWithPath: damaged + "/receiver.sqlite"))
            let (status, message) = try await Self.serve(["--port", "0", "--store", damaged])
            #expect(status != 0)
            #expect(message.contains("cannot open the store \(damaged)/receiver.sqlite: the file is not a SQLite database, or is damaged; move it aside"), "stderr: \(message)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: damaged + "/receiver.sqlite")) == garbage, "the file is left as it was")

            let underAFile = directory + "/damaged/receiver.sqlite/store"
            let (fileStatus, fileMessage) = try await Self.serve(["--port", "0", "--store", underAFile])
            #expect(fileStatus != 0)
            #expect(fileMessage.contains("cannot open the store \(underAFile): cannot create the directory (Not a directory)"), "stderr: \(fileMessage)")
            #expect(!fileMessage.contains("NSCocoaErrorDomain"))
        }
    }

    @Test func aStoreInUseByAnotherReceiverStopsTheSecondOneNamingTheFirstUntilTheFirstIsGone() async throws {
        try await withTemporaryDirectory { directory in
            let store = directory + "/shared"
            let first = try await ReceiverProcess.start(port: try unusedLoopbackPort(), store: store)
            let (status, message) = try await Self.serve(["--port", "0", "--store", store])
            #expect(status != 0)
            #expect(
                message.contains("cannot open the store \(store)/receiver.sqlite: another trace-receiver (pid \(first.pid)) is using this store"),
                "stderr: \(message)"
            )
            #expect(await first.isHealthy(), "the running receiver is untouched")
            // The lock dies with its process, however it ends: no stale lock after SIGKILL.
            first.kill()
            let second = try await ReceiverProcess.start(port: try unusedLoopbackPort(), store: store)
            #expect(await second.isHealthy())
            second.kill()
        }
    }

    @Test func anIPv6AddressIsPrintedInBracketsAsInAURL() async throws {
        try await withTemporaryDirectory { directory in
            let notes = directory + "/stderr.txt"
            try #require(FileManager.default.createFile(atPath: notes, contents: nil))
            let serve = try SpawnedProgram(
                try builtExecutable("trace-receiver").path, ["serve", "--host", "::1", "--port", "0", "--store", "memory"],
                standardOutput: .null, standardError: .file(notes)
            )
            defer { serve.send(SIGKILL) }
            func written() -> String { (try? String(contentsOfFile: notes, encoding: .utf8)) ?? "" }
            // Listening, or (on a machine without IPv6 loopback) refused: either way the address is bracketed.
            let said = await eventually(within: 30) {
                written().contains("listening on http://[::1]:") || written().contains("cannot listen on [::1]:0")
            }
            #expect(said, "stderr: \(written())")
            #expect(!written().contains("http://::1"))
        }
    }

    /// Runs `trace-receiver serve` with `arguments` until it exits; its status and standard error.
    private static func serve(_ arguments: [String]) async throws -> (status: Int32, stderr: String) {
        let result = try await runProgram([try builtExecutable("trace-receiver").path, "serve"] + arguments, timeout: 60)
        return (result.status, result.stderr)
    }

    @Test func theIngestTokenComesFromTheEnvironmentUnlessTheOptionGivesOne() async throws {
        let environment = ["TRACE_RECEIVER_INGEST_TOKEN": "from-environment"]
        try await withTemporaryDirectory { directory in
            let port = try unusedLoopbackPort()
            let receiver = try await ReceiverProcess.start(port: port, store: directory + "/env", environment: environment)
            defer { receiver.kill() }
            #expect(try await Self.status(ofPostingWith: nil, port: port) == 401)
            #expect(try await Self.status(ofPostingWith: "from-environment", port: port) == 200)
        }
        try await withTemporaryDirectory { directory in
            let port = try unusedLoopbackPort()
            let receiver = try await ReceiverProcess.start(
                port: port, store: directory + "/option", extraArguments: ["--ingest-token", "from-option"], environment: environment
            )
            defer { receiver.kill() }
            #expect(try await Self.status(ofPostingWith: "from-environment", port: port) == 401)
            #expect(try await Self.status(ofPostingWith: "from-option", port: port) == 200)
        }
    }

    /// The status of posting one record with `token` as the bearer token (none when nil).
    private static func status(ofPostingWith token: String?, port: Int) async throws -> UInt {
        try await postLogs(#"{"service":"token","message":"m"}"#, port: port, token: token).status.code
    }

    private static func post(_ body: String, port: Int) async throws -> Counts {
        let response = try await postLogs(body, port: port)
        let answer = try await response.body.collect(upTo: 1 << 20)
        #expect(response.status == .ok, "\(String(buffer: answer))")
        return Counts(try #require(try JSONSerialization.jsonObject(with: Data(buffer: answer)) as? [String: Any]))
    }

    /// `POST /api/logs` to the daemon on `port`, with `token` as the bearer token (none when nil).
    private static func postLogs(_ body: String, port: Int, token: String? = nil) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/logs")
        request.method = .POST
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(string: body))
        return try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    }
}
