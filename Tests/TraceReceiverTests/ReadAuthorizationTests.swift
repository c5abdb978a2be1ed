import Foundation
import TestSupport
import Testing

@testable import TraceReceiver

/// A receiver started with a token keeps its records to those who hold it: reading needs the token as
/// much as sending does, while health, metrics, the page's files and browser reports stay open.
@Suite("Reading records from a receiver that has a token")
struct ReadAuthorizationTests {
    static let token = #"s3 cret;"x"#
    static let encodedToken = "s3%20cret%3B%22x"
    static let readRoutes = [
        "/api/debug/logs", "/api/debug/logs/follow", "/api/requests", "/api/debug/trace/r-1",
        "/buffers/timeline?filter=correlation_id:r-1", "/api/live",
    ]

    @Test func everyReadNeedsTheTokenAsABearerOrTheBrowsersCookie() async throws {
        try await withReceiver(configure: { $0.ingestToken = Self.token }) { receiver in
            let posted = try await receiver.postLogs(#"{"service":"api","message":"secret order details","request_id":"r-1"}"#, headers: [("Authorization", "Bearer \(Self.token)")])
            #expect(posted.status == 200)
            for route in Self.readRoutes {
                let refused = try await receiver.get(route)
                #expect(refused.status == 401, "\(route)")
                #expect(try refused.object()["error"] as? String == "unauthorized", "\(route)")
                #expect(!refused.body.contains("secret order details"))
                #expect(try await receiver.get(route, headers: [("Authorization", "Bearer wrong")]).status == 401, "\(route)")
                #expect(try await receiver.get(route, headers: [("Cookie", "trace_receiver_token=wrong")]).status == 401, "\(route)")
            }
            for route in Self.readRoutes where route != "/api/live" {
                #expect(try await receiver.get(route, headers: [("Authorization", "Bearer \(Self.token)")]).status == 200, "\(route)")
                #expect(try await receiver.get(route, headers: [("Cookie", "theme=dark; trace_receiver_token=\(Self.encodedToken)")]).status == 200, "\(route)")
            }
            let search = try await receiver.get("/api/debug/logs", headers: [("Authorization", "Bearer \(Self.token)")])
            #expect(search.body.contains("secret order details"))
        }
    }

    @Test func openingThePageWithTheTokenGivesTheBrowserItsCookieAndDropsTheTokenFromTheAddress() async throws {
        try await withReceiver(configure: { $0.ingestToken = Self.token }) { receiver in
            let answer = try await sendRawHTTP(Array("GET /?token=\(Self.encodedToken) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8), port: receiver.port)
            #expect(answer.hasPrefix("HTTP/1.1 303"), "\(answer)")
            let headers = answer.split(separator: "\r\n").map { $0.lowercased() }
            #expect(headers.contains("location: /"))
            #expect(headers.contains("set-cookie: trace_receiver_token=\(Self.encodedToken.lowercased()); path=/; httponly; samesite=strict"), "\(headers)")

            let wrong = try await receiver.get("/?token=guess")
            #expect(wrong.status == 401)
            #expect(!wrong.headers.contains(name: "Set-Cookie"))
        }
    }

    @Test func healthMetricsThePageAndBrowserReportsStayOpen() async throws {
        try await withReceiver(configure: { $0.ingestToken = Self.token }) { receiver in
            for route in ["/health", "/metrics", "/", "/ui/app.js", "/ui/app.css"] {
                #expect(try await receiver.get(route).status == 200, "\(route)")
            }
            let report = try await receiver.postFrontend(#"{"level":"error","message":"from a page"}"#)
            #expect(report.status == 202)
        }
    }

    @Test(arguments: [
        "trace_receiver_token=%", "trace_receiver_token=%2", "trace_receiver_token=%zz", "trace_receiver_token=%+f",
        "trace_receiver_token", "=; ;;", String(repeating: "trace_receiver_token=a;", count: 500),
    ])
    func aMalformedCookieIsRefusedLikeAMissingOne(_ cookie: String) async throws {
        try await withReceiver(configure: { $0.ingestToken = "right" }) { receiver in
            let reply = try await receiver.get("/api/debug/logs", headers: [("Cookie", cookie)])
            #expect(reply.status == 401)
            #expect(try reply.object()["error"] as? String == "unauthorized")
        }
    }

    @Test func aReceiverWithoutATokenIgnoresOneInTheAddress() async throws {
        try await withReceiver { receiver in
            #expect(try await receiver.get("/api/debug/logs").status == 200)
            let answer = try await sendRawHTTP(Array("GET /?token=anything HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8), port: receiver.port)
            #expect(answer.hasPrefix("HTTP/1.1 401"), "no cookie to give: \(answer.prefix(200))")
        }
    }

    @Test func theCommandLineReadsWithTheTokenFromTheEnvironment() async throws {
        try await withReceiver(configure: { $0.ingestToken = Self.token }) { receiver in
            _ = try await receiver.postLogs(#"{"service":"api","message":"visible with the token"}"#, headers: [("Authorization", "Bearer \(Self.token)")])
            let executable = try builtExecutable("trace-receiver").path
            let without = try await runProgram([executable, "logs", "--receiver", receiver.baseURL], environment: ["TRACE_RECEIVER_INGEST_TOKEN": ""], timeout: 60)
            #expect(without.status != 0)
            #expect(without.stderr.contains("receiver answered 401"), "\(without.stderr)")
            let with = try await runProgram([executable, "logs", "--receiver", receiver.baseURL], environment: ["TRACE_RECEIVER_INGEST_TOKEN": Self.token], timeout: 60)
            #expect(with.status == 0, "\(with.stderr)")
            #expect(with.stdout.contains("visible with the token"))
        }
    }
}
