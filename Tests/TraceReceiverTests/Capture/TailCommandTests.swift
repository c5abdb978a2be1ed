import Foundation
import Testing

@testable import TraceReceiver

@Suite("trace-receiver tail: following a file into the receiver")
struct TailCommandTests {
    static func append(_ lines: [String], to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    @Test func followsAFileAndResumesAfterARestartWithoutLossOrDuplicates() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let log = directory + "/app.log"
                try "2026-01-31 10:15:23,001 - shop - INFO - first request_id=r-1\n".write(toFile: log, atomically: true, encoding: .utf8)
                let arguments = [
                    "tail", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--from-start", "--state-dir", directory + "/state", log,
                ]
                let environment = ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
                func stored() async throws -> [String] {
                    try await receiver.store.search(LogQuery(service: "app", limit: 100)).records.map(\.message)
                }

                let first = try WrapperProcess(arguments, environment: environment)
                #expect(await eventually(within: 20) { (try? await stored().count) == 1 })
                try Self.append(["2026-01-31 10:15:24,002 - shop - ERROR - second request_id=r-1"], to: log)
                #expect(await eventually(within: 20) { (try? await stored().count) == 2 })
                try await Task.sleep(for: .milliseconds(1_500))  // a checkpoint interval passes
                kill(first.process.processIdentifier, SIGINT)
                #expect(await first.finish().status == 0)

                // Written while nothing follows the file: delivered once by the next run, which resumes.
                try Self.append(["2026-01-31 10:15:25,003 - shop - INFO - third request_id=r-2"], to: log)
                let second = try WrapperProcess(arguments, environment: environment)
                #expect(await eventually(within: 20) { (try? await stored().count) == 3 })
                try await Task.sleep(for: .milliseconds(500))
                kill(second.process.processIdentifier, SIGINT)
                #expect(await second.finish().status == 0)

                let messages = try await stored()
                #expect(messages.sorted() == ["first request_id=r-1", "second request_id=r-1", "third request_id=r-2"])
                let levels = try await receiver.store.search(LogQuery(requestID: "r-1", limit: 10)).records.map(\.level)
                #expect(Set(levels) == [.info, .error])
            }
        }
    }
}
