import Foundation
import TestSupport
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
                kill(first.processIdentifier, SIGINT)
                #expect(await first.finish().status == 0)

                // Written while nothing follows the file: delivered once by the next run, which resumes.
                try Self.append(["2026-01-31 10:15:25,003 - shop - INFO - third request_id=r-2"], to: log)
                let second = try WrapperProcess(arguments, environment: environment)
                #expect(await eventually(within: 20) { (try? await stored().count) == 3 })
                try await Task.sleep(for: .milliseconds(500))
                kill(second.processIdentifier, SIGINT)
                #expect(await second.finish().status == 0)

                let messages = try await stored()
                #expect(messages.sorted() == ["first request_id=r-1", "second request_id=r-1", "third request_id=r-2"])
                let levels = try await receiver.store.search(LogQuery(requestID: "r-1", limit: 10)).records.map(\.level)
                #expect(Set(levels) == [.info, .error])
            }
        }
    }

    @Test func aTailKilledWithSIGKILLAndStartedAgainStoresEachLineOnce() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let log = directory + "/app.log"
                // Identical lines without a time of their own (each must be kept, so content cannot be the
                // key), lines with one, and a traceback that is one event of four lines.
                var lines: [String] = []
                for number in 1...600 {
                    lines.append("heartbeat")
                    lines.append("2026-01-31 10:15:23,001 - shop - INFO - order \(number) request_id=r-\(number)")
                }
                lines += [
                    "2026-01-31 10:15:24,002 - shop - ERROR - charge failed request_id=r-9",
                    "Traceback (most recent call last):",
                    #"  File "app.py", line 3, in charge"#,
                    "ZeroDivisionError: division by zero",
                ]
                try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: log))
                let arguments = [
                    "tail", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--from-start", "--state-dir", directory + "/state", log,
                ]
                let environment = ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
                func count() async -> Int {
                    (try? await receiver.store.search(LogQuery(service: "app", limit: 1)).totalCount) ?? -1
                }
                func search(_ text: String) async throws -> Int {
                    try await receiver.store.search(LogQuery(service: "app", text: text, limit: 1)).totalCount
                }

                // Killed as soon as everything is in, before its first checkpoint (saved a second behind).
                let first = try WrapperProcess(arguments, environment: environment)
                #expect(await eventually(within: 30) { await count() == 1_201 })
                kill(first.processIdentifier, SIGKILL)
                _ = await first.finish()

                // No checkpoint: everything is read again, while a writer goes on appending; killed as soon
                // as the writer's last line is in, its checkpoint lags by a second or so.
                let second = try WrapperProcess(arguments, environment: environment)
                for number in 1...300 {
                    try Self.append(["2026-01-31 10:16:00,000 - shop - INFO - later \(number)"], to: log)
                    try await Task.sleep(for: .milliseconds(5))
                }
                #expect(await eventually(within: 30) { await count() == 1_501 })
                kill(second.processIdentifier, SIGKILL)
                _ = await second.finish()

                // Resumed from the lagging checkpoint. The last line is written after the restart, so once
                // it is stored every line before it has been read again and shipped.
                let third = try WrapperProcess(arguments, environment: environment)
                try Self.append(["2026-01-31 10:17:00,000 - shop - INFO - the last line"], to: log)
                #expect(await eventually(within: 30) { (try? await search("the last line")) == 1 })
                kill(third.processIdentifier, SIGINT)
                #expect(await third.finish().status == 0)

                #expect(await count() == 1_502)
                #expect(try await search("heartbeat") == 600)
                let traceback = try await receiver.store.search(LogQuery(requestID: "r-9", limit: 10)).records
                #expect(traceback.count == 2, "the order and the error, once each")
                #expect(traceback.filter { $0.errorType == "ZeroDivisionError" }.count == 1)
            }
        }
    }

    @Test func aTailKilledWhileASwiftCrashReportIsWrittenReadsTheWholeReportAgain() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let log = directory + "/app.log"
                try "2026-01-31 10:15:23,001 - shop - INFO - before\n".write(toFile: log, atomically: true, encoding: .utf8)
                let arguments = [
                    "tail", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--from-start", "--state-dir", directory + "/state", log,
                ]
                let environment = ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
                func stored() async throws -> LogPage {
                    try await receiver.store.search(LogQuery(service: "app", limit: 100))
                }
                let first = try WrapperProcess(arguments, environment: environment)
                #expect(await eventually(within: 20) { (try? await stored().records.count) == 1 })
                // The runtime prints this, then spends seconds walking the stack before the report.
                try Self.append(["App/main.swift:3: Fatal error: boom"], to: log)
                try await Task.sleep(for: .milliseconds(2_500))  // two checkpoint intervals
                kill(first.processIdentifier, SIGKILL)
                _ = await first.finish()

                try Self.append([
                    "", "*** Signal 4: Backtracing from 0x7f40... done ***", "", "Thread 0 crashed:", "0 main + 1 in app at main.swift:3:1", "",
                    "Backtrace took 1.02s", "2026-01-31 10:15:30,001 - shop - INFO - after",
                ], to: log)
                let second = try WrapperProcess(arguments, environment: environment)
                #expect(await eventually(within: 30) { (try? await stored().records.contains { $0.message == "after" }) == true })
                kill(second.processIdentifier, SIGINT)
                #expect(await second.finish().status == 0)

                let records = try await stored().records
                #expect(records.count == 3, "\(records.map(\.message))")
                let crash = try #require(records.first { $0.message.contains("Fatal error: boom") }, "\(records.map(\.message))")
                #expect(crash.level == .critical)
                #expect(crash.stack?.hasSuffix("Backtrace took 1.02s") == true, "the whole report, with its header: \(crash.stack ?? "none")")
            }
        }
    }

    @Test func aLineTooLongForOneRecordIsStoredCutSayingHowMuchWasLeftOut() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let log = directory + "/long.log"
                try (String(repeating: "y", count: 100_000) + "\nafter\n").write(toFile: log, atomically: true, encoding: .utf8)
                let tail = try WrapperProcess(
                    ["tail", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--from-start", "--state-dir", directory + "/state", log],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
                )
                func stored() async throws -> [String] {
                    try await receiver.store.search(LogQuery(service: "long", limit: 10)).records.map(\.message)
                }
                #expect(await eventually(within: 20) { (try? await stored().count) == 2 })
                kill(tail.processIdentifier, SIGINT)
                #expect(await tail.finish().status == 0)
                let kept = CaptureForwarder.maximumLineBytes
                let expected = String(repeating: "y", count: kept) + " [… \(100_000 - kept) more bytes of this line not captured]"
                #expect(Set(try await stored()) == [expected, "after"])
            }
        }
    }

    @Test func aLocalPathWithAColonIsFollowedAsAFileEvenBeforeItExists() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                // `logs/app-10:00.log` reads as HOST:PATH unless the slash before the colon counts (as in scp).
                try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
                let notes = directory + "/notes.txt"
                try #require(FileManager.default.createFile(atPath: notes, contents: nil))
                let tail = try SpawnedProgram(
                    try builtExecutable("trace-receiver").path,
                    ["tail", "--receiver", receiver.baseURL, "--no-daemon", "--from-start", "--service", "hourly", "--state-dir", "state", "logs/app-10:00.log"],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"], directory: directory,
                    standardOutput: .null, standardError: .file(notes)
                )
                defer { tail.send(SIGKILL) }
                func written() -> String { (try? String(contentsOfFile: notes, encoding: .utf8)) ?? "" }
                // The file is made only once tail has decided what the target is.
                let following = await eventually(within: 20) { written().contains("following logs/app-10:00.log") }
                try #require(following, "tail said: \(written())")
                try "ERROR first hour request_id=r-10\n".write(toFile: directory + "/logs/app-10:00.log", atomically: true, encoding: .utf8)
                let delivered = await eventually(within: 20) {
                    (try? await receiver.store.search(LogQuery(service: "hourly", limit: 10)).records.map(\.message)) == ["ERROR first hour request_id=r-10"]
                }
                #expect(delivered, "tail said: \(written())")
                #expect(!written().contains("ssh"))
                tail.send(SIGINT)
                #expect(await eventually(within: 20) { !tail.isRunning })
                #expect(await tail.finish().status == 0)
            }
        }
    }

    @Test func aDirectoryIsRefusedBeforeAnythingStarts() async throws {
        try await withTemporaryDirectory { directory in
            let wrapper = try WrapperProcess(["tail", "--receiver", "http://127.0.0.1:9", "--no-daemon", directory])
            let (status, _, stderr) = await wrapper.finish()
            #expect(status == 64)
            #expect(String(decoding: stderr, as: UTF8.self).contains("\(directory) is a directory; give the log file to follow"))
        }
    }

    @Test func aFileThatCannotBeOpenedEndsTheCommandWithAFailureStatus() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let loop = directory + "/loop.log"
                try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)  // open: ELOOP
                let wrapper = try WrapperProcess(
                    ["tail", "--receiver", receiver.baseURL, "--no-daemon", "--state-dir", directory + "/state", loop],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
                )
                let (status, _, stderr) = await wrapper.finish()
                #expect(status == 1, "a follower that stopped on an error is a failed command")
                #expect(String(decoding: stderr, as: UTF8.self).contains("open \(loop) failed: Too many levels of symbolic links"))
            }
        }
    }

    @Test func followsSeveralFilesInOneProcessEachAsItsOwnServiceAndOneFailingDoesNotStopTheOthers() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let (gateway, worker, loop) = (directory + "/gateway.log", directory + "/worker.log", directory + "/loop.log")
                try "INFO gateway up\n".write(toFile: gateway, atomically: true, encoding: .utf8)
                try "INFO worker up\n".write(toFile: worker, atomically: true, encoding: .utf8)
                try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)  // open: ELOOP
                let tail = try WrapperProcess(
                    ["tail", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--from-start", "--state-dir", directory + "/state", gateway, worker, loop],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
                )
                func messages(_ service: String) async -> [String] {
                    (try? await receiver.store.search(LogQuery(service: service, limit: 10)).records.map(\.message).sorted()) ?? []
                }
                let both = await eventually(within: 20) {
                    let (first, second) = (await messages("gateway"), await messages("worker"))
                    return first == ["INFO gateway up"] && second == ["INFO worker up"]
                }
                #expect(both)
                try Self.append(["ERROR worker failed"], to: worker)
                #expect(await eventually(within: 20) { await messages("worker") == ["ERROR worker failed", "INFO worker up"] }, "still followed after loop.log failed")
                kill(tail.processIdentifier, SIGINT)
                let (status, _, stderr) = await tail.finish()
                #expect(status == 1, "one follower failed")
                #expect(String(decoding: stderr, as: UTF8.self).contains("\(loop): open \(loop) failed: Too many levels of symbolic links"))
            }
        }
    }

    @Test func aTargetGivenTwiceIsRefused() async throws {
        let wrapper = try WrapperProcess(["tail", "--receiver", "http://127.0.0.1:9", "--no-daemon", "/tmp/app.log", "/tmp/app.log"])
        let (status, _, stderr) = await wrapper.finish()
        #expect(status == 64)
        #expect(String(decoding: stderr, as: UTF8.self).contains("a target is given twice"))
    }
}
