import Foundation
import Testing

@testable import TraceReceiver

/// Which store a parameterised test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, memory
    var testDescription: String { rawValue }

    func apply(_ configuration: inout ReceiverConfiguration) {
        if self == .memory { configuration.store = .memory }
    }
}

@Suite("GET /api/debug/logs")
struct SearchTests {
    /// Twelve records, one a minute, the newest 10 minutes ago.
    static func seed(_ receiver: RunningReceiver) async throws -> Date {
        let now = Date()
        let rows: [(String, String, String, String?, String?, String)] = [
            // service, level, source, request id, trace id, message
            ("api", "debug", "backend", "r1", "t1", "cache lookup started"),
            ("api", "info", "backend", "r1", "t1", "request completed fine"),
            ("api", "warning", "backend", "r2", "t2", "slow database query"),
            ("api", "error", "backend", "r2", "t2", "Payment gateway timeout"),
            ("worker", "info", "capture", nil, "t2", "job picked up"),
            ("worker", "critical", "capture", nil, nil, "disk almost full"),
            ("frontend", "error", "frontend", "r3", nil, "TypeError in checkout"),
            ("api", "notice", "backend", "r3", "t3", "gateway retry scheduled"),
            ("api", "trace", "backend", "r4", nil, "entering handler"),
            ("worker", "warning", "backend", nil, nil, "queue depth high"),
            ("api", "info", "backend", "r5", "t5", "payment accepted"),
            ("api", "error", "backend", "r5", "t5", "payment webhook failed"),
        ]
        let lines = rows.enumerated().map { index, row in
            var object: [String: Any] = [
                "service": row.0, "level": row.1, "source": row.2, "message": row.5,
                "timestamp": timestamp(secondsAgo: Double(600 + (rows.count - 1 - index) * 60), from: now),
            ]
            if let requestID = row.3 { object["request_id"] = requestID }
            if let traceID = row.4 { object["trace_id"] = traceID }
            return recordLine(object)
        }
        let reply = try await receiver.postLogs(lines.joined(separator: "\n"))
        #expect(try reply.counts() == Counts(accepted: 12))
        return now
    }

    func messages(_ receiver: RunningReceiver, _ query: String) async throws -> [String] {
        try await receiver.search(query).logs.compactMap { $0["message"] as? String }
    }

    @Test(arguments: StoreKind.allCases)
    func filtersByEachCriterionNewestFirst(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            let now = try await Self.seed(receiver)
            #expect(try await messages(receiver, "request_id=r2") == ["Payment gateway timeout", "slow database query"])
            #expect(try await messages(receiver, "trace_id=t2") == ["job picked up", "Payment gateway timeout", "slow database query"])
            #expect(try await messages(receiver, "service=worker") == ["queue depth high", "disk almost full", "job picked up"])
            #expect(try await messages(receiver, "source=capture") == ["disk almost full", "job picked up"])
            #expect(try await messages(receiver, "source=frontend") == ["TypeError in checkout"])
            #expect(
                try await messages(receiver, "level=error")
                    == ["payment webhook failed", "TypeError in checkout", "disk almost full", "Payment gateway timeout"]
            )
            #expect(try await messages(receiver, "level=ERR&service=api") == ["payment webhook failed", "Payment gateway timeout"])
            #expect(try await messages(receiver, "level=critical") == ["disk almost full"])
            #expect(try await receiver.search("level=trace").logs.count == 12)
            #expect(try await messages(receiver, "service=api&level=warning&trace_id=t2") == ["Payment gateway timeout", "slow database query"])

            // Time windows, relative and RFC 3339, kept clear of the whole minutes the records sit on.
            #expect(try await receiver.search("since=810s").logs.count == 4)
            #expect(try await receiver.search("until=1110s").logs.count == 3)
            let since = timestamp(secondsAgo: 810, from: now)
            let until = timestamp(secondsAgo: 630, from: now)
            let window = try await messages(receiver, "since=\(since)&until=\(until)")
            #expect(window == ["payment accepted", "queue depth high", "entering handler"])
            #expect(try await receiver.search("since=1m").logs.isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func textSearchNeedsEveryWordInMessageOrErrorCaseInsensitive(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            _ = try await Self.seed(receiver)
            #expect(try await messages(receiver, "q=payment") == ["payment webhook failed", "payment accepted", "Payment gateway timeout"])
            #expect(try await messages(receiver, "q=GATEWAY+timeout") == ["Payment gateway timeout"])
            #expect(try await messages(receiver, "q=gate") == ["gateway retry scheduled", "Payment gateway timeout"], "word prefixes match")
            #expect(try await messages(receiver, "q=payment&level=error&service=api") == ["payment webhook failed", "Payment gateway timeout"])
            #expect(try await messages(receiver, "q=nothing+matches").isEmpty)
            // FTS syntax in user text is taken literally, never as operators.
            #expect(try await receiver.get("/api/debug/logs?q=%22payment%22%20OR%20NEAR(disk%2A)").status == 200)
            _ = try await receiver.postLogs(#"{"message":"plain","error":"ECONNRESET by peer"}"#)
            #expect(try await messages(receiver, "q=econnreset") == ["plain"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aWordMatchesWhereAWordBeginsIgnoringCaseAndAccentsAlikeInBothStores(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            let messages = ["Gateway timeout", "Café crème servi", "ÉCOLE fermée", "naïve—done", "order_id=42 failed", "Ångström units", "日本語テキスト"]
            let body = messages.enumerated().map { index, message in
                #"{"timestamp":"2026-01-31T10:00:0\#(index)Z","service":"words","message":"\#(message)"}"#
            }
            _ = try await receiver.postLogs(body.joined(separator: "\n"))
            let expected: [(String, [String])] = [
                ("gate", ["Gateway timeout"]), ("way", []), ("out", []), ("TIMEOUT", ["Gateway timeout"]),
                ("cafe", ["Café crème servi"]), ("CRÈME", ["Café crème servi"]), ("ecole+ferme", ["ÉCOLE fermée"]),
                ("naive", ["naïve—done"]), ("done", ["naïve—done"]), ("id", ["order_id=42 failed"]), ("42", ["order_id=42 failed"]),
                ("angstrom", ["Ångström units"]), ("rom", []), ("日本", ["日本語テキスト"]), ("本語", []),
            ]
            for (words, found) in expected {
                #expect(try await self.messages(receiver, "service=words&q=\(words.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") == found, "q=\(words)")
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func textSearchCountsEveryMatchOnEveryPageAndConcurrentSearchesKeepTheirOwnMatches(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            // 90 records a second apart: "alpha" in every other one (30 of them from service a), "beta" in
            // every third.
            let lines = (0..<90).map { index in
                let words = [index % 2 == 0 ? "alpha" : "gamma", index % 3 == 0 ? "beta" : "delta"].joined(separator: " ")
                let service = index % 4 == 0 ? "a" : "b"
                return #"{"message":"\#(words) \#(index)","service":"\#(service)","timestamp":"2026-01-31T10:\#(String(format: "%02d", index / 60)):\#(String(format: "%02d", index % 60))Z"}"#
            }
            #expect(try await receiver.postLogs(lines.joined(separator: "\n")).counts() == Counts(accepted: 90))

            // Paging a text search: the total and the oldest match stay those of all matches on every page.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let (logs, page) = try await receiver.search("q=alpha&limit=7" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page["totalCount"] as? Int == 45)
                #expect((page["oldestTimestamp"] as? String)?.hasPrefix("2026-01-31T10:00:00") == true)
                seen += logs.compactMap { $0["message"] as? String }
                cursor = page["nextCursor"] as? String
            } while cursor != nil && seen.count < 100
            #expect(seen.count == 45 && Set(seen).count == 45 && seen.allSatisfy { $0.hasPrefix("alpha") })

            // Different text searches at once (several reader connections) each count only their own matches.
            let expected: [(String, Int)] = [("q=alpha&limit=3", 45), ("q=beta&limit=3", 30), ("q=alpha+beta&limit=3", 15),
                                             ("q=alpha&service=a&limit=3", 23), ("q=gamma&service=a&limit=3", 0), ("q=delta&limit=100", 60)]
            try await withThrowingTaskGroup(of: (String, Int?, Int).self) { group in
                for _ in 0..<5 {
                    for (query, _) in expected {
                        group.addTask {
                            let (logs, page) = try await receiver.search(query)
                            return (query, page["totalCount"] as? Int, logs.count)
                        }
                    }
                }
                for try await (query, total, returned) in group {
                    let want = expected.first { $0.0 == query }!.1
                    #expect(total == want, "\(query)")
                    #expect(returned == min(want, query.hasSuffix("limit=3") ? 3 : 100), "\(query)")
                }
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pagesWithLimitAndCursorWithoutDuplicatesOrGaps(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            // 95 records, many sharing a timestamp, so the cursor must break ties.
            let lines = (0..<95).map { #"{"message":"p\#($0)","service":"pager","timestamp":"2026-01-31T10:00:\#(String(format: "%02d", $0 / 10))Z"}"# }
            #expect(try await receiver.postLogs(lines.joined(separator: "\n")).counts() == Counts(accepted: 95))
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "service=pager&limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")
                let (logs, page) = try await receiver.search(query)
                #expect(page["totalCount"] as? Int == 95)
                #expect((page["oldestTimestamp"] as? String)?.hasPrefix("2026-01-31T10:00:00") == true)
                seen += logs.compactMap { $0["message"] as? String }
                cursor = page["nextCursor"] as? String
                pages += 1
            } while cursor != nil && pages < 20
            #expect(pages == 10)
            #expect(seen.count == 95)
            #expect(Set(seen).count == 95, "no duplicates across pages")
            #expect(seen.first == "p94" && seen.last == "p0", "newest first")
        }
    }

    static let atMessage = "f pinged @alice at bob@example.com, a=b"

    /// Records a..e with fields to search; f has none, and `@` in its message.
    static let fieldRecords = [
        #"{"timestamp":"2026-01-31T10:00:01Z","service":"api","message":"a","fields":{"pod":"shop-1","status_code":500,"total":12.50,"cached":true,"hb.request.path":"/api/x"}}"#,
        #"{"timestamp":"2026-01-31T10:00:02Z","service":"api","message":"b","fields":{"pod":"shop-2","status_code":"500","total":"12.50","cached":"true"}}"#,
        #"{"timestamp":"2026-01-31T10:00:03Z","service":"api","message":"c","fields":{"pod":"shop-1","status_code":200,"cached":false,"nested":{"a":1}}}"#,
        #"{"timestamp":"2026-01-31T10:00:04Z","service":"api","message":"d","pod":"shop-1"}"#,
        #"{"timestamp":"2026-01-31T10:00:05Z","service":"api","message":"e"}"#,
        #"{"timestamp":"2026-01-31T10:00:06Z","service":"api","message":"f pinged @alice at bob@example.com, a=b"}"#,
    ]

    /// Stores ``fieldRecords`` in a receiver with `store`, then expects each query's messages, newest first.
    func expectFieldSearches(_ store: StoreKind, _ expected: [(query: String, messages: [String])]) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            #expect(try await receiver.postLogs(Self.fieldRecords.joined(separator: "\n")).counts() == Counts(accepted: 6))
            for (query, messages) in expected {
                let got = try await self.messages(receiver, query)
                #expect(got == messages, "\(query) \(got)")
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func fieldConditionsMatchStringsNumbersAndBooleansAlikeInBothStores(_ store: StoreKind) async throws {
        try await expectFieldSearches(store, [
            ("field=pod%3Dshop-1", ["d", "c", "a"]),
            ("field=pod%3Dshop-1&field=status_code%3D500", ["a"]),
            ("field=status_code%3D500", ["b", "a"]),
            ("field=total%3D12.5", ["a"]),
            ("field=total%3D12.50", ["b", "a"]),
            ("field=cached%3Dtrue", ["b", "a"]),
            ("field=cached%3Dfalse", ["c"]),
            ("field=hb.request.path%3D%2Fapi%2Fx", ["a"]),
            ("field=pod%3D", []),
            ("field=missing%3D1", []),
            ("field=pod%3Dshop-1&service=other", []),
        ])
    }

    @Test(arguments: StoreKind.allCases)
    func atKeyEqualsValueWordsInQAreFieldConditionsAndOtherAtWordsStayText(_ store: StoreKind) async throws {
        try await expectFieldSearches(store, [
            ("q=%40pod%3Dshop-1", ["d", "c", "a"]),
            ("q=%40pod%3Ashop-1", ["d", "c", "a"]),
            ("q=%40pod%3Dshop-1%20%40status_code%3A500", ["a"]),
            ("q=%40status_code%3D500%20%20b%20", ["b"]),
            ("q=%40cached%3Dtrue&field=pod%3Dshop-2", ["b"]),
            ("q=%40hb.request.path%3A%22%2Fapi%2Fx%22", ["a"]),
            ("q=%40total%3D%2212.5", ["a"]),
            ("q=%40missing%3D1", []),
            ("q=%40alice", [Self.atMessage]),
            ("q=bob%40example", [Self.atMessage]),
            ("q=a%3Db", [Self.atMessage]),
        ])
    }

    @Test(arguments: [
        "q=%40k%3D" + String(repeating: "v", count: 257),
        "q=%40" + String(repeating: "k", count: 65) + "%3D1",
        "q=" + (0...FieldCondition.maximumConditions).map { "%40k\($0)%3D1" }.joined(separator: "%20"),
        "q=%40a%3D1%20%40b%3D2&" + (0..<(FieldCondition.maximumConditions - 1)).map { "field=k\($0)%3D1" }.joined(separator: "&"),
    ])
    func refusesATooLongOrTooManyConditionsInQWith400NamingQ(_ query: String) async throws {
        try await withReceiver { (receiver) async throws in
            for path in ["/api/debug/logs", "/api/requests"] {
                let reply = try await receiver.get("\(path)?\(query)")
                #expect(reply.status == 400, "\(path)")
                #expect(reply.errorCode == "invalid_parameter")
                #expect(reply.errorMessage?.hasPrefix("q") == true, "\(reply.body)")
            }
        }
    }

    @Test(arguments: [
        "field=novalue", "field=%3Dvalue", "field=a%22b%3D1", "field=a%20b%3D1", "field=k%3D" + String(repeating: "v", count: 257),
        (0...FieldCondition.maximumConditions).map { "field=k\($0)%3D1" }.joined(separator: "&"),
    ])
    func refusesAnUnreadableFieldConditionWith400(_ query: String) async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.get("/api/debug/logs?\(query)")
            #expect(reply.status == 400)
            #expect(reply.errorCode == "invalid_parameter")
            #expect(reply.errorMessage?.hasPrefix("field") == true, "\(reply.body)")
        }
    }

    @Test(arguments: [
        ("limit=0", "limit"), ("limit=10001", "limit"), ("limit=ten", "limit"), ("level=loud", "level"),
        ("since=yesterday", "since"), ("until=-5m", "until"), ("source=browser", "source"), ("cursor=abc", "cursor"),
    ])
    func refusesAnUnreadableParameterWith400NamingIt(_ query: String, _ parameter: String) async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.get("/api/debug/logs?\(query)")
            #expect(reply.status == 400)
            #expect(reply.errorCode == "invalid_parameter")
            #expect(reply.errorMessage?.hasPrefix(parameter) == true, "\(reply.body)")
        }
    }

    @Test func acceptsTheLargestLimit() async throws {
        try await withReceiver { (receiver) async throws in
            #expect(try await receiver.get("/api/debug/logs?limit=10000").status == 200)
        }
    }
}
