import Foundation
import Synchronization
import Testing

@testable import TraceReceiver

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fast polling so tests do not wait on the default interval.
private func testConfiguration(
    _ start: TailStartPosition = .beginning, stateDirectory: String? = nil, maximumLineLength: Int = 1 << 20
) -> FileTailer.Configuration {
    FileTailer.Configuration(
        startPosition: start, stateDirectory: stateDirectory, pollInterval: .milliseconds(10), maximumLineLength: maximumLineLength
    )
}

/// Runs `body` with a collector over `tailer`'s lines, stopping it afterwards whatever happens.
func withCollector<T>(_ sequence: TailLineSequence, _ body: (LineCollector) async throws -> T) async throws -> T {
    let collector = LineCollector(sequence)
    do {
        let result = try await body(collector)
        await collector.stop()
        return result
    } catch {
        await collector.stop()
        throw error
    }
}

/// How long a test waits to be sure nothing more arrives.
private let quietPeriod = Duration.milliseconds(300)

@Suite("FileTailer: following a file")
struct FileTailerFollowingTests {
    @Test func startsAtTheEndByDefaultAndDeliversAppendedLines() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            try append("old 1\nold 2\n", to: path)
            let firstLook = FirstLook()
            var configuration = testConfiguration(.end)
            configuration.onFirstLook = firstLook.hook
            let tailer = FileTailer(path: path, configuration: configuration)
            try await withCollector(tailer.lines()) { collector in
                #expect(try await firstLook.wait() == 12, "opened at the end of the two old lines")
                try append("new 1\nnew 2\n", to: path)
                try await collector.waitFor(count: 2)
                try await Task.sleep(for: quietPeriod)
                #expect(collector.texts == ["new 1", "new 2"])
            }
        }
    }

    @Test func readsFromTheBeginningWhenConfiguredAndStripsCarriageReturns() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            try append("one\r\ntwo\n\nthree\n", to: path)
            try await withCollector(FileTailer(path: path, configuration: testConfiguration()).lines()) { collector in
                let lines = try await collector.waitFor(count: 4)
                #expect(lines.map(\.text) == ["one", "two", "", "three"])
                #expect(lines.map(\.offset) == [5, 9, 10, 16])
                #expect(lines.allSatisfy { !$0.isTruncated && $0.checkpoint?.offset == $0.offset })
            }
        }
    }

    @Test func holdsAPartialLineUntilItsNewlineArrives() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            try append("complete\npart", to: path)
            try await withCollector(FileTailer(path: path, configuration: testConfiguration()).lines()) { collector in
                try await collector.waitFor(count: 1)
                try await Task.sleep(for: quietPeriod)
                #expect(collector.texts == ["complete"], "the unterminated line is held")
                try append("ial line\n", to: path)
                try await collector.waitFor(count: 2)
                #expect(collector.texts == ["complete", "partial line"])
            }
        }
    }

    @Test func cutsAndFlagsALineLongerThanTheLimit() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            let limit = 16
            let configuration = testConfiguration(maximumLineLength: limit)
            try append(String(repeating: "x", count: 10 * limit) + "\nshort\n" + String(repeating: "y", count: limit) + "\n", to: path)
            try await withCollector(FileTailer(path: path, configuration: configuration).lines()) { collector in
                let lines = try await collector.waitFor(count: 3)
                #expect(lines[0].bytes == Array(repeating: UInt8(ascii: "x"), count: limit))
                #expect(lines[0].isTruncated)
                #expect(lines[0].offset == UInt64(10 * limit + 1), "the cut line's position is after its newline")
                #expect(lines[1].text == "short" && !lines[1].isTruncated)
                #expect(lines[2].bytes.count == limit && !lines[2].isTruncated, "a line of exactly the limit is whole")
            }
        }
    }

    @Test func waitsForAFileThatDoesNotExistYetAndReadsItFromItsBeginning() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/later.log"
            // The default start position is the end, but a file that appears later is new: all of it counts.
            let firstLook = FirstLook()
            var configuration = testConfiguration(.end)
            configuration.onFirstLook = firstLook.hook
            try await withCollector(FileTailer(path: path, configuration: configuration).lines()) { collector in
                #expect(try await firstLook.wait() == nil, "nothing at the path yet")
                #expect(collector.lines.isEmpty && collector.failure == nil)
                try append("hello\nworld\n", to: path)
                try await collector.waitFor(count: 2)
                #expect(collector.texts == ["hello", "world"])
            }
        }
    }

    @Test func stopsItsThreadWhenTheLoopBreaks() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            try append("a\nb\nc\n", to: path)
            var seen: [String] = []
            for try await line in FileTailer(path: path, configuration: testConfiguration()).lines() {
                seen.append(line.text)
                if seen.count == 2 { break }
            }
            #expect(seen == ["a", "b"])
        }
    }

    @Test func rejectsAnInvalidConfiguration() async throws {
        var configuration = testConfiguration()
        configuration.maximumLineLength = 0
        let collector = LineCollector(FileTailer(path: "/nonexistent", configuration: configuration).lines())
        let error = try await collector.waitForFailure()
        #expect((error as? TailError)?.code == "invalid_configuration")
    }
}

@Suite("FileTailer: rotation")
struct FileTailerRotationTests {
    static let linesPerPhase = 5000

    /// Writes `line N` for each N through `fd`, pausing now and then like a real service.
    static func writeLines(_ numbers: ClosedRange<Int>, to fd: CInt) {
        for number in numbers {
            let text = "line \(number)\n"
            _ = text.withCString { write(fd, $0, strlen($0)) }
            if number % 500 == 0 { usleep(1000) }
        }
    }

    @Test func survivesRenameAndCopytruncateRotationsWhileAWriterAppends() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            let total = 3 * Self.linesPerPhase
            let writerDone = SharedBox<String?>(nil)
            // The first line is written before the writer starts, and awaited, so the tailer has the first
            // file open before any rotation (a file rotated away before the tailer ever saw it is not followed).
            try append("line 1\n", to: path)
            try await withCollector(FileTailer(path: path, configuration: testConfiguration()).lines()) { collector in
                try await collector.waitFor(count: 1)
                let thread = Thread {
                    let perPhase = Self.linesPerPhase
                    var fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                    Self.writeLines(2...(perPhase - 100), to: fd)
                    // Rotation 1, rename + create: the service writes a few more lines to the old file
                    // (through its open descriptor) before it reopens the path.
                    rename(path, path + ".1")
                    Self.writeLines((perPhase - 99)...perPhase, to: fd)
                    close(fd)
                    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                    Self.writeLines((perPhase + 1)...(2 * perPhase), to: fd)
                    // Rotation 2, copytruncate. Lines written between the copy and the truncation, or not
                    // yet read when the file is truncated, are lost by the nature of copytruncate, so the
                    // writer lets the tailer catch up first (logrotate's copytruncate has the same window).
                    let deadline = Date(timeIntervalSinceNow: 60)
                    while collector.lines.count < 2 * perPhase && Date() < deadline { usleep(2000) }
                    try? FileManager.default.copyItem(atPath: path, toPath: path + ".2")
                    ftruncate(fd, 0)
                    Self.writeLines((2 * perPhase + 1)...(3 * perPhase), to: fd)
                    close(fd)
                    writerDone.value = "done"
                }
                thread.start()
                // Generous: a loaded 2-core machine (the whole suite runs in parallel) reads slowly.
                let lines = try await collector.waitFor(count: total, timeout: .seconds(90))
                try await Task.sleep(for: quietPeriod)
                let texts = collector.texts
                #expect(texts.count == total, "no line duplicated")
                #expect(texts == (1...total).map { "line \($0)" }, "every line, once, in order")
                #expect(lines.allSatisfy { !$0.isTruncated })
                #expect(writerDone.value == "done")
            }
        }
    }

    @Test func deliversAnUnterminatedLastLineWhenItsFileIsRotatedAway() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            try append("first\nunterminated", to: path)
            try await withCollector(FileTailer(path: path, configuration: testConfiguration()).lines()) { collector in
                try await collector.waitFor(count: 1)
                try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
                try append("next file\n", to: path)
                try await collector.waitFor(count: 3)
                #expect(collector.texts == ["first", "unterminated", "next file"])
            }
        }
    }

    @Test func keepsReadingTheOldFileUntilTheNewOneAppears() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            try append("a\n", to: path)
            try await withCollector(FileTailer(path: path, configuration: testConfiguration()).lines()) { collector in
                try await collector.waitFor(count: 1)
                try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
                try await Task.sleep(for: quietPeriod)
                try append("b\n", to: path + ".1")
                try await collector.waitFor(count: 2)
                try append("c\n", to: path)
                try await collector.waitFor(count: 3)
                #expect(collector.texts == ["a", "b", "c"])
            }
        }
    }
}

@Suite("FileTailer: checkpoints")
struct FileTailerCheckpointTests {
    @Test func resumesAfterARestartFromTheCommittedCheckpoint() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            let configuration = testConfiguration(.end, stateDirectory: dir + "/state")
            try append((1...10).map { "line \($0)\n" }.joined(), to: path)
            var first = configuration
            first.startPosition = .beginning
            let tailer = FileTailer(path: path, configuration: first)
            try await withCollector(tailer.lines()) { collector in
                let lines = try await collector.waitFor(count: 10)
                try await tailer.commit(try #require(lines[9].checkpoint))
            }
            // Stopped: these are appended while nobody follows the file.
            try append((11...15).map { "line \($0)\n" }.joined(), to: path)
            // Restarted, with `.end` as the start position: the checkpoint wins.
            let restarted = FileTailer(path: path, configuration: configuration)
            let saved = try #require(try await tailer.savedCheckpoint())
            #expect(try await restarted.savedCheckpoint() == saved)
            try await withCollector(restarted.lines()) { collector in
                try await collector.waitFor(count: 5)
                try append("line 16\n", to: path)
                try await collector.waitFor(count: 6)
                try await Task.sleep(for: quietPeriod)
                #expect(collector.texts == (11...16).map { "line \($0)" })
            }
        }
    }

    @Test func deliversLinesAfterTheLastCommitAgainAfterARestart() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            let configuration = testConfiguration(stateDirectory: dir + "/state")
            try append((1...10).map { "line \($0)\n" }.joined(), to: path)
            let tailer = FileTailer(path: path, configuration: configuration)
            try await withCollector(tailer.lines()) { collector in
                let lines = try await collector.waitFor(count: 10)
                try await tailer.commit(try #require(lines[6].checkpoint))  // only 1…7 were shipped
            }
            try await withCollector(FileTailer(path: path, configuration: configuration).lines()) { collector in
                try await collector.waitFor(count: 3)
                try await Task.sleep(for: quietPeriod)
                #expect(collector.texts == ["line 8", "line 9", "line 10"])
            }
        }
    }

    @Test func startsAtTheBeginningOfAFileThatReplacedTheCheckpointedOne() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            let configuration = testConfiguration(.end, stateDirectory: dir + "/state")
            try append("old 1\nold 2\n", to: path)
            var first = configuration
            first.startPosition = .beginning
            let tailer = FileTailer(path: path, configuration: first)
            try await withCollector(tailer.lines()) { collector in
                let lines = try await collector.waitFor(count: 2)
                try await tailer.commit(try #require(lines[1].checkpoint))
            }
            // Same inode, other first bytes, longer than the checkpoint's offset: only the fingerprint tells.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data("new 1\nnew 2\nnew 3\n".utf8))
            try handle.close()
            try await withCollector(FileTailer(path: path, configuration: configuration).lines()) { collector in
                try await collector.waitFor(count: 3)
                #expect(collector.texts == ["new 1", "new 2", "new 3"])
            }
            // Another file (another inode) at the path.
            try await FileTailer(path: path, configuration: configuration).commit(
                TailCheckpoint(device: 0, inode: 0, offset: 6, fingerprintLength: 0, fingerprint: 0))
            try FileManager.default.removeItem(atPath: path)
            try append("other\n", to: path)
            try await withCollector(FileTailer(path: path, configuration: configuration).lines()) { collector in
                try await collector.waitFor(count: 1)
                #expect(collector.texts == ["other"])
            }
        }
    }

    @Test func savesCheckpointsAtomicallyAsJSONInTheStateDirectory() async throws {
        try await withTemporaryDirectory { dir in
            let store = TailCheckpointStore(directory: dir + "/state/tail")
            let checkpoint = TailCheckpoint(device: 7, inode: 42, offset: 1234, fingerprintLength: 16, fingerprint: .max)
            #expect(try store.load(for: dir + "/app.log") == nil)
            try store.save(checkpoint, for: dir + "/app.log")
            try store.save(checkpoint, for: dir + "/app.log")
            #expect(try store.load(for: dir + "/app.log") == checkpoint)
            #expect(try store.load(for: dir + "/other.log") == nil)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/state/tail")
            #expect(files.count == 1, "no temporary file is left behind: \(files)")
            #expect(files.first?.hasPrefix("app.log-") == true)
            let json = try String(contentsOfFile: store.checkpointFile(for: dir + "/app.log"), encoding: .utf8)
            #expect(json.contains(#""offset":1234"#))
            try "garbage".write(toFile: store.checkpointFile(for: dir + "/app.log"), atomically: false, encoding: .utf8)
            #expect(throws: TailError.self) { try store.load(for: dir + "/app.log") }
        }
    }
}
