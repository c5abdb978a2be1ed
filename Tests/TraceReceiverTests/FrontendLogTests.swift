import Foundation
import TestSupport
import Testing

@testable import TraceReceiver

@Suite("POST /api/frontend-log: browser reports")
struct FrontendLogTests {
    static let report = #"{"level":"error","message":"TypeError: x is undefined","stack":"at app.js:1","context":{"url":"http://localhost:3000/cart","ua":"Firefox","build":"abc"}}"#

    @Test func acceptsAJSONReportWith202AndStoresItAsFrontend() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postFrontend(Self.report, headers: [("Content-Type", "application/json"), ("Origin", "http://localhost:3000")])
            #expect(reply.status == 202)
            #expect(try reply.counts() == Counts(accepted: 1))
            #expect(reply.headers["Access-Control-Allow-Origin"] == ["http://localhost:3000"])
            let (logs, _) = try await receiver.search("source=frontend")
            let record = try #require(logs.first)
            #expect(record["service"] as? String == "frontend")
            #expect(record["level"] as? String == "error")
            #expect(record["stack"] as? String == "at app.js:1")
            let context = try #require((record["fields"] as? [String: Any])?["context"] as? [String: Any])
            #expect(context["url"] as? String == "http://localhost:3000/cart")
        }
    }

    @Test func acceptsASendBeaconTextPlainBody() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postFrontend(
                #"{"message":"beacon on unload","source":"backend"}"#, headers: [("Content-Type", "text/plain;charset=UTF-8")]
            )
            #expect(reply.status == 202)
            let (logs, _) = try await receiver.search("q=beacon")
            #expect(logs.count == 1)
            #expect(logs.first?["source"] as? String == "frontend", "a browser cannot claim another source")
        }
    }

    @Test func refusesAnUnreadableReportWith400() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postFrontend("not json at all")
            #expect(reply.status == 400)
            #expect(reply.errorCode == "invalid_report")
        }
    }

    @Test func refusesAReportOver64KiBWith413() async throws {
        try await withReceiver { (receiver) async throws in
            let body = recordLine(["message": String(repeating: "m", count: 65 * 1024)])
            let reply = try await receiver.postFrontend(body, headers: [("Content-Type", "text/plain"), ("Origin", "http://localhost:3000")])
            #expect(reply.status == 413)
            #expect(reply.errorCode == "body_too_large")
            #expect(reply.headers["Access-Control-Allow-Origin"] == ["http://localhost:3000"], "the browser can read the refusal")
            #expect(try await receiver.store.statistics().records == 0)
        }
    }

    @Test func answersAPreflightFromAnAllowedOriginWith204AndCORSHeaders() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.request(
                .OPTIONS, "/api/frontend-log",
                headers: [("Origin", "http://127.0.0.1:5173"), ("Access-Control-Request-Method", "POST")]
            )
            #expect(reply.status == 204)
            #expect(reply.headers["Access-Control-Allow-Origin"] == ["http://127.0.0.1:5173"])
            #expect(reply.headers["Access-Control-Allow-Methods"].first?.contains("POST") == true)
            #expect(reply.headers["Access-Control-Allow-Headers"].first?.contains("X-Request-ID") == true)
        }
    }

    @Test func refusesAPreflightAndAPostFromAnotherOriginWith403() async throws {
        try await withReceiver { (receiver) async throws in
            let preflight = try await receiver.request(.OPTIONS, "/api/frontend-log", headers: [("Origin", "https://evil.example")])
            #expect(preflight.status == 403)
            #expect(preflight.errorCode == "origin_not_allowed")
            #expect(preflight.headers["Access-Control-Allow-Origin"].isEmpty)
            let post = try await receiver.postFrontend(Self.report, headers: [("Origin", "https://evil.example")])
            #expect(post.status == 403)
            #expect(post.errorCode == "origin_not_allowed")
            #expect(try await receiver.store.statistics().records == 0)
        }
    }

    @Test(arguments: [
        "http://localhost:3000.evil.example", "http://localhost.evil.example:3000", "http://evil@localhost:3000",
        "http://localhost:3000/path", "null", "http://localhost:*", "javascript://localhost:3000",
        "http://localhost:3000<script>", "http://" + String(repeating: "a", count: 300),
    ])
    func neverEchoesAHostileOrigin(_ origin: String) async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postFrontend(Self.report, headers: [("Origin", origin)])
            #expect(reply.status == 403)
            #expect(reply.headers["Access-Control-Allow-Origin"].isEmpty)
            #expect(!reply.body.contains(origin))
        }
    }

    static let injectedOrigins = ["http://localhost:3000\rSet-Cookie: evil=1", "http://localhost:3000\r\n Set-Cookie: evil=1"]

    static func rawReport(origin: String) -> [UInt8] {
        let body = #"{"message":"m"}"#
        return Array(
            ("POST /api/frontend-log HTTP/1.1\r\nHost: x\r\nOrigin: \(origin)\r\nContent-Type: text/plain\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)").utf8
        )
    }

    @Test(arguments: injectedOrigins)
    func neverEchoesAnOriginCarryingInjectedHeaders(_ origin: String) async throws {
        try await withReceiver { (receiver) async throws in
            let response = try await sendRawHTTP(Self.rawReport(origin: origin), port: receiver.port, timeoutSeconds: 2)
            #expect(!response.lowercased().contains("set-cookie"), "\(response)")
            #expect(!response.contains("evil=1"))
            #expect(try await receiver.store.statistics().records == 0)
        }
    }

    @Test(arguments: injectedOrigins)
    func answersARequestTheHTTPParserRejectsWith400AndCloses(_ origin: String) async throws {
        try await withReceiver { (receiver) async throws in
            let start = ContinuousClock.now
            let response = try await sendRawHTTP(Self.rawReport(origin: origin), port: receiver.port, timeoutSeconds: 10)
            let elapsed = start.duration(to: .now)
            #expect(response.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "got \(response.isEmpty ? "nothing" : response) after \(elapsed)")
            #expect(response.contains("Connection: close"))
            // Answered, not held until the guard's 30 s deadline: the client gives up after 10 s. (Not a
            // tighter bound: under a full test run on two cores the answer once took 5.2 s to be read.)
            #expect(elapsed < .seconds(9), "answered at once, not held open")
            #expect(try await receiver.get("/health").status == 200, "the receiver serves on")
            #expect(metricValue(try await receiver.metrics(), "trace_receiver_malformed_requests_total") == 1)
        }
    }

    @Test func limitsReportsPerClientAddressWith429AndRetryAfter() async throws {
        try await withReceiver(configure: { $0.frontendReportsPerMinute = 3 }) { (receiver) async throws in
            for index in 0..<3 {
                let reply = try await receiver.postFrontend(#"{"message":"report \#(index)"}"#)
                #expect(reply.status == 202)
            }
            let refused = try await receiver.postFrontend(#"{"message":"report 3"}"#, headers: [("Origin", "http://localhost:3000")])
            #expect(refused.status == 429)
            #expect(refused.errorCode == "rate_limited")
            let retryAfter = try #require(refused.headers["Retry-After"].first.flatMap { Int($0) })
            #expect((1...20).contains(retryAfter), "one report per 20 s at 3/min, got \(retryAfter)")
            #expect(refused.headers["Access-Control-Allow-Origin"] == ["http://localhost:3000"])
            #expect(try await receiver.store.statistics().records == 3)
        }
    }

    @Test func ignoresXForwardedForFromAnUntrustedPeer() async throws {
        try await withReceiver(configure: { $0.frontendReportsPerMinute = 2 }) { (receiver) async throws in
            var statuses: [Int] = []
            for index in 0..<3 {
                let reply = try await receiver.postFrontend(
                    #"{"message":"r\#(index)"}"#, headers: [("Content-Type", "text/plain"), ("X-Forwarded-For", "203.0.113.\(index + 1)")]
                )
                statuses.append(reply.status)
            }
            #expect(statuses == [202, 202, 429], "a spoofed X-Forwarded-For does not buy a fresh budget")
        }
    }

    @Test func honoursXForwardedForFromATrustedProxy() async throws {
        try await withReceiver(configure: {
            $0.frontendReportsPerMinute = 2
            $0.trustedProxies = ["127.0.0.1"]
        }) { (receiver) async throws in
            func post(from client: String, _ index: Int) async throws -> Int {
                try await receiver.postFrontend(
                    #"{"message":"r\#(index) \#(client)"}"#, headers: [("Content-Type", "text/plain"), ("X-Forwarded-For", client)]
                ).status
            }
            // Distinct clients behind the proxy each get their own budget…
            var statuses: [Int] = []
            for index in 0..<4 { statuses.append(try await post(from: "203.0.113.\(index + 1)", index)) }
            #expect(statuses == [202, 202, 202, 202])
            // …and one client is limited by its own address, the nearest untrusted hop.
            var same: [Int] = []
            for index in 0..<3 { same.append(try await post(from: "198.51.100.7, 127.0.0.1", index)) }
            #expect(same == [202, 202, 429])
        }
    }

    @Test func aValidXRequestIDHeaderLinksAReportWithoutItsOwnID() async throws {
        try await withReceiver { (receiver) async throws in
            _ = try await receiver.postFrontend(#"{"message":"linked"}"#, headers: [("Content-Type", "text/plain"), ("X-Request-ID", "req-linked-1")])
            _ = try await receiver.postFrontend(
                #"{"message":"own id","request_id":"req-own"}"#, headers: [("Content-Type", "text/plain"), ("X-Request-ID", "req-linked-2")]
            )
            _ = try await receiver.postFrontend(#"{"message":"bad header"}"#, headers: [("Content-Type", "text/plain"), ("X-Request-ID", "bad id!")])
            #expect(try await receiver.search("request_id=req-linked-1").logs.map { $0["message"] as? String } == ["linked"])
            #expect(try await receiver.search("request_id=req-own").logs.map { $0["message"] as? String } == ["own id"])
            #expect(try await receiver.search("request_id=req-linked-2").logs.isEmpty)
            let bad = try #require(try await receiver.search("q=bad+header").logs.first)
            #expect(bad["request_id"] == nil)
        }
    }

    @Test func aReportRefusedByTheServiceRateIsAnswered429NotAccepted() async throws {
        try await withReceiver(configure: { $0.serviceRecordsPerSecond = 0.5 }) { (receiver) async throws in
            // Burst 1, 29 tokens in debt after a batch of 30 (a minute from admitting again, however slow the
            // machine); the next report must not be acknowledged and dropped.
            let batch = "[" + (0..<30).map { #"{"message":"report \#($0)"}"# }.joined(separator: ",") + "]"
            let first = try await receiver.postFrontend(batch)
            #expect(first.status == 202)
            let second = try await receiver.postFrontend(#"{"message":"d"}"#)
            #expect(second.status == 429, "\(second.status) \(second.body)")
            #expect(second.headers["Retry-After"].first.flatMap { Int($0) } != nil)
            #expect(try await receiver.store.statistics().records == 30)
        }
    }
}
