import Foundation
import Testing

@testable import TraceReceiver

/// Fast polling, from the beginning, with checkpoints in `stateDirectory`.
private func originConfiguration(stateDirectory: String) -> FileTailer.Configuration {
    FileTailer.Configuration(startPosition: .beginning, stateDirectory: stateDirectory, pollInterval: .milliseconds(10))
}

/// Reads `count` lines of `path` with a fresh tailer (resuming from the saved checkpoint, if any), and
/// commits none of them.
private func read(_ count: Int, of path: String, stateDirectory: String) async throws -> [TailedLine] {
    try await withCollector(FileTailer(path: path, configuration: originConfiguration(stateDirectory: stateDirectory)).lines()) { collector in
        Array(try await collector.waitFor(count: count).prefix(count))
    }
}

@Suite("FileTailer: naming each line for exact deduplication")
struct TailLineOriginTests {
    @Test func aLineReadAgainAfterARestartHasTheNameItHadTheFirstTime() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            let state = dir + "/state"
            try append((1...10).map { "line \($0)\n" }.joined(), to: path)
            let tailer = FileTailer(path: path, configuration: originConfiguration(stateDirectory: state))
            let first = try await withCollector(tailer.lines()) { collector in
                let lines = try await collector.waitFor(count: 10)
                try await tailer.commit(try #require(lines[3].checkpoint))  // a checkpoint behind what was read
                return lines
            }
            let origins = first.map(\.origin)
            #expect(Set(origins.compactMap { $0?.instance }).count == 1, "one file, one generation: \(origins)")
            #expect(origins.map { $0?.sequence } == first.map(\.offset), "a line's sequence is its end offset")
            #expect(first[3].checkpoint?.generation != nil)

            // Resumed from the older checkpoint: lines 5…10 again, under the same names.
            let resumed = try await read(6, of: path, stateDirectory: state)
            #expect(resumed.map(\.text) == (5...10).map { "line \($0)" })
            #expect(resumed.map(\.origin) == Array(origins[4...]))

            // No checkpoint at all (the worst lag: killed before the first save): the same names again.
            try FileManager.default.removeItem(atPath: state)
            let fromScratch = try await read(10, of: path, stateDirectory: state)
            #expect(fromScratch.map(\.origin) == origins)

            // The same text in another file is other lines.
            try append((1...10).map { "line \($0)\n" }.joined(), to: dir + "/copy.log")
            let copy = try await read(10, of: dir + "/copy.log", stateDirectory: state)
            #expect(copy.map(\.text) == first.map(\.text))
            #expect(copy[0].origin?.instance != origins[0]?.instance)
        }
    }

    @Test func aTruncatedFileIsANewGenerationNamedTheSameByATailerResumedFromBeforeTheTruncation() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            let state = dir + "/state"
            try append("a1\na2\n", to: path)
            let tailer = FileTailer(path: path, configuration: originConfiguration(stateDirectory: state))
            let continuous = try await withCollector(tailer.lines()) { collector in
                let before = try await collector.waitFor(count: 2)
                try await tailer.commit(try #require(before[1].checkpoint))
                // copytruncate, then a line as long as the first: same offsets, other lines.
                try FileHandle(forWritingTo: URL(fileURLWithPath: path)).truncate(atOffset: 0)
                try append("b1\n", to: path)
                return try await collector.waitFor(count: 3)
            }
            #expect(continuous.map(\.text) == ["a1", "a2", "b1"])
            #expect(continuous[2].origin?.sequence == continuous[0].origin?.sequence)
            #expect(continuous[2].origin?.instance != continuous[0].origin?.instance, "offsets restart, so the name must change")

            // Killed before b1's checkpoint was saved: the restart finds the file truncated under a2's
            // checkpoint and names b1 as the run that saw the truncation did.
            let resumed = try await read(1, of: path, stateDirectory: state)
            #expect(resumed.map(\.text) == ["b1"])
            #expect(resumed[0].origin == continuous[2].origin)
        }
    }

    @Test func aFileRotatedInByRenameIsNamedTheSameByATailerResumedFromBeforeTheRotation() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/app.log"
            let state = dir + "/state"
            try append("old 1\nold 2\n", to: path)
            let tailer = FileTailer(path: path, configuration: originConfiguration(stateDirectory: state))
            let continuous = try await withCollector(tailer.lines()) { collector in
                let before = try await collector.waitFor(count: 2)
                try await tailer.commit(try #require(before[1].checkpoint))
                try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
                try append("new 1\nnew 2\n", to: path)
                return try await collector.waitFor(count: 4)
            }
            #expect(continuous.map(\.text) == ["old 1", "old 2", "new 1", "new 2"])
            #expect(continuous[2].origin?.instance != continuous[0].origin?.instance)

            let resumed = try await read(2, of: path, stateDirectory: state)
            #expect(resumed.map(\.text) == ["new 1", "new 2"])
            #expect(resumed.map(\.origin) == Array(continuous.map(\.origin)[2...]))
        }
    }
}
