import Foundation
import TestSupport
import Testing

@testable import TraceReceiver

@Suite("GET /api/debug/logs/follow and trace-receiver logs --follow")
struct FollowTests {
    /// One answer of the follow endpoint: the messages, oldest stored first, and the position.
    static func follow(_ receiver: RunningReceiver, _ query: String, after position: String? = nil) async throws -> (messages: [String], position: String) {
        let parameters = [query, position.map { "after=\($0)" }].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "&")
        let reply = try await receiver.get("/api/debug/logs/follow" + (parameters.isEmpty ? "" : "?" + parameters))
        #expect(reply.status == 200, "\(reply.body)")
        let object = try reply.object()
        let logs = try #require(object["logs"] as? [[String: Any]])
        return (logs.compactMap { $0["message"] as? String }, try #require(object["position"] as? String))
    }

    static func post(_ receiver: RunningReceiver, _ records: [(service: String, secondsAgo: Double, message: String)]) async throws {
        let lines = records.map { recordLine(["service": $0.service, "level": "error", "timestamp": timestamp(secondsAgo: $0.secondsAgo), "message": $0.message]) }
        #expect(try await receiver.postLogs(lines.joined(separator: "\n")).counts() == Counts(accepted: records.count))
    }

    @Test(arguments: StoreKind.allCases)
    func recordsComeInTheOrderTheyWereStoredLateOnesWithOldTimestampsIncluded(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { receiver in
            try await Self.post(receiver, [("api", 5, "first"), ("worker", 4, "elsewhere"), ("api", 3, "second")])
            let start = try await Self.follow(receiver, "service=api&limit=10")
            #expect(start.messages == ["first", "second"])

            // A record stamped a day ago arrives now: a search by time would pass it by, a follower does not.
            try await Self.post(receiver, [("api", 86_400, "late but new"), ("worker", 1, "not followed"), ("api", 0, "newest")])
            let next = try await Self.follow(receiver, "service=api&limit=10", after: start.position)
            #expect(next.messages == ["late but new", "newest"])
            let quiet = try await Self.follow(receiver, "service=api&limit=10", after: next.position)
            #expect(quiet.messages.isEmpty)
            #expect(quiet.position == next.position)

            // Only new non-matching records: the position moves past them, so they are not read again.
            try await Self.post(receiver, [("worker", 0, "noise")])
            let moved = try await Self.follow(receiver, "service=api&limit=10", after: quiet.position)
            #expect(moved.messages.isEmpty)
            #expect(Int(moved.position)! > Int(quiet.position)!)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aFullAnswerContinuesFromItsLastRecordAndWordsFilterAsInSearches(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { receiver in
            try await Self.post(receiver, (1...5).map { ("api", Double(10 - $0), "payment \($0) declined") } + [("api", 0, "cache warm")])
            var position = try await Self.follow(receiver, "limit=1&q=cache").position
            try await Self.post(receiver, (6...8).map { ("api", 0, "payment \($0) declined") } + [("api", 0, "cache cold")])
            var pages: [[String]] = []
            for _ in 0..<4 {
                let answer = try await Self.follow(receiver, "q=payment&limit=2", after: position)
                pages.append(answer.messages)
                position = answer.position
            }
            #expect(pages == [["payment 6 declined", "payment 7 declined"], ["payment 8 declined"], [], []])
            #expect(try await Self.follow(receiver, "q=payment&limit=2").messages == ["payment 7 declined", "payment 8 declined"])
        }
    }

    /// A follower slower than a flood: records stored after its position and gone before it read them
    /// (the hot buffer's cap evicted them, or retention removed them to keep the store under its size
    /// cap) are counted as missed.
    @Test(arguments: StoreKind.allCases)
    func recordsThatLeftTheStoreBeforeTheFollowerReadThemAreCountedAsMissed(_ store: StoreKind) async throws {
        try await withReceiver(configure: {
            store.apply(&$0)
            $0.memoryMaximumBytes = 256 * 1024
            $0.retentionBytes = 256 * 1024
        }) { receiver in
            try await Self.post(receiver, [("api", 0, "seen")])
            let start = try await receiver.get("/api/debug/logs/follow").object()
            #expect(start["missed"] as? Int == 0)
            let position = try #require(start["position"] as? String)

            // 400 records the follower does not read in time; the oldest of them then leave the store.
            try await Self.post(receiver, (0..<400).map { ("api", 0, "flood \($0) " + String(repeating: "x", count: 1000)) })
            if store == .sqlite { _ = try await receiver.store.enforceRetention(now: RecordTime.now()) }
            try await Self.post(receiver, [("api", 0, "fresh")])
            let held = try await receiver.store.statistics().records
            let next = try await receiver.get("/api/debug/logs/follow?service=api&after=\(position)&limit=1000").object()
            let messages = ((next["logs"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
            let missed = try #require(next["missed"] as? Int)
            #expect(messages.last == "fresh")
            #expect(missed > 0 && missed + messages.count == 401, "missed \(missed), read \(messages.count), held \(held)")
            let quiet = try await receiver.get("/api/debug/logs/follow?after=\(try #require(next["position"] as? String))").object()
            #expect(quiet["missed"] as? Int == 0, "nothing more went missing since")
        }
    }

    /// Records that arrived last but are past the retention age (a replayed spool of old lines, say) are
    /// removed, except the newest: SQLite gives a new row the largest id held plus one, so removing it
    /// would hand its id to the next record, which a follower already past it would never see.
    @Test func retentionKeepsTheNewestRecordSoItsIdIsNotGivenToTheNextOne() async throws {
        try await withReceiver(configure: { $0.retentionAge = .seconds(86_400) }) { receiver in
            try await Self.post(receiver, [("api", 0, "seen")])
            try await Self.post(receiver, (0..<3).map { ("api", 3 * 86_400, "replayed \($0)") })
            let caughtUp = try await Self.follow(receiver, "", after: "1")
            #expect(caughtUp.messages == ["replayed 0", "replayed 1", "replayed 2"])
            #expect(try await receiver.store.enforceRetention(now: RecordTime.now()) == 2)
            try await Self.post(receiver, [("api", 0, "fresh")])
            #expect(try await Self.follow(receiver, "", after: caughtUp.position).messages == ["fresh"])
        }
    }

    @Test func aPositionFromBeforeARestartOfAMemoryStoreStartsFromWhatIsHeld() async throws {
        try await withReceiver(configure: StoreKind.memory.apply) { receiver in
            try await Self.post(receiver, [("api", 0, "after the restart")])
            // Ids start again at 1 in a new memory store: a position from the old one is past them all.
            #expect(try await Self.follow(receiver, "", after: "5000").messages == ["after the restart"])
        }
    }

    @Test(arguments: [
        ("after=abc", "after"), ("after=-1", "after"), ("after=99999999999999999999", "after"), ("cursor=1_2", "cursor"),
        ("limit=0", "limit"), ("level=loud", "level"), ("since=yesterday", "since"),
    ])
    func aBadParameterIsAnsweredWithAJSONErrorNamingIt(_ query: String, _ name: String) async throws {
        try await withReceiver { receiver in
            let reply = try await receiver.get("/api/debug/logs/follow?" + query)
            #expect(reply.status == 400)
            let object = try reply.object()
            #expect(object["error"] as? String == "invalid_parameter")
            #expect((object["message"] as? String)?.hasPrefix(name + ":") == true, "\(reply.body)")
        }
    }

    @Test func theCommandPrintsTheLastRecordsThenEachNewOneUntilInterrupted() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                try await Self.post(receiver, [("api", 30, "before one"), ("api", 20, "before two"), ("api", 10, "before three")])
                let output = directory + "/stdout.txt"
                try #require(FileManager.default.createFile(atPath: output, contents: nil))
                let follower = try SpawnedProgram(
                    try builtExecutable("trace-receiver").path,
                    ["logs", "--follow", "--receiver", receiver.baseURL, "--service", "api", "--limit", "2"],
                    standardOutput: .file(output), standardError: .null
                )
                defer { follower.send(SIGKILL) }
                func printed() -> [String] {
                    ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
                }
                #expect(await eventually(within: 20) { printed().count == 2 }, "\(printed())")
                try await Self.post(receiver, [("worker", 0, "not followed"), ("api", 3_600, "an hour late"), ("api", 0, "just now")])
                #expect(await eventually(within: 20) { printed().count == 4 }, "\(printed())")
                follower.send(SIGINT)
                #expect(await eventually(within: 20) { !follower.isRunning })
                let lines = printed()
                // The message follows the service column; a record from another day (an hour ago, just after
                // midnight UTC) has a date before its time, so columns are not counted from the start.
                let messages = lines.map { line in
                    line.range(of: " api ").map { String(line[$0.upperBound...]).trimmingCharacters(in: .whitespaces) } ?? line
                }
                #expect(messages == ["before two", "before three", "an hour late", "just now"], "\(lines)")
                #expect(lines.allSatisfy { $0.contains(" api ") })
            }
        }
    }

    @Test func followingUntilATimeIsRefused() async throws {
        let result = try await runProgram([try builtExecutable("trace-receiver").path, "logs", "--follow", "--until", "1h"], timeout: 60)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--until cannot be used with --follow"))
    }
}
