import Foundation
import RequestTracing
import TestSupport
import Testing

@testable import DemoServer

@Suite("Demo: the browser page")
struct DemoBrowserPageTests {
    @Test func gatewayServesThePagePointedAtTheReceiverWithoutTracingItsFiles() async throws {
        let sink = InMemoryLogSink()
        let page = try DemoBrowserPage(receiverURL: "http://127.0.0.1:7999/")
        let (index, script, hello) = try await withDemo(sink: sink, page: page) { port in
            (try await fetch(port, "/"), try await fetch(port, "/request-tracing.js"), try await fetch(port, "/api/hello"))
        }
        #expect(index.status == 200)
        let html = String(decoding: index.body, as: UTF8.self)
        #expect(html.contains(#"<meta name="trace-receiver" content="http://127.0.0.1:7999">"#))
        #expect(!html.contains("7890"))
        let policy = try #require(index.headers["Content-Security-Policy"].first)
        #expect(policy.contains("connect-src 'self' http://127.0.0.1:7999;"))
        #expect(policy.contains("script-src 'self'"))
        #expect(script.status == 200)
        #expect(script.headers["Content-Type"].first == "text/javascript; charset=utf-8")
        #expect(String(decoding: script.body, as: UTF8.self).contains("X-Request-ID"))
        // Only the API call was traced: the page's files are served before the middleware.
        #expect(hello.headers["X-Request-ID"].first != nil)
        #expect(index.headers["X-Request-ID"].first == nil)
        let paths = try sink.records(event: "request_completed").compactMap { $0.field("path") as? String }
        #expect(paths == ["/api/hello"])
    }

    @Test(arguments: [
        "ftp://127.0.0.1:7890", "http://127.0.0.1:7890/path", "http://user@127.0.0.1:7890", "http://127.0.0.1:7890/?a=b",
        "http://\"><script>alert(1)</script>", "not a url", "",
    ])
    func refusesReceiverURLsThatAreNotABareHTTPOrigin(_ url: String) {
        #expect(DemoBrowserPage.origin(of: url) == nil)
    }

    @Test func acceptsHTTPAndHTTPSOriginsIncludingIPv6() {
        #expect(DemoBrowserPage.origin(of: "http://localhost:7890") == "http://localhost:7890")
        #expect(DemoBrowserPage.origin(of: "HTTPS://example.com/") == "https://example.com")
        #expect(DemoBrowserPage.origin(of: "http://[::1]:7890") == "http://[::1]:7890")
        // The other forms TRACE_RECEIVER_URL may take, which the shipper streams to as well.
        #expect(DemoBrowserPage.origin(of: "127.0.0.1:7890") == "http://127.0.0.1:7890")
        #expect(DemoBrowserPage.origin(of: "ws://127.0.0.1:7890/api/stream") == "http://127.0.0.1:7890")
        #expect(DemoBrowserPage.origin(of: "wss://traces.example.com/api/stream/") == "https://traces.example.com")
    }

    @Test func missingPageFilesAreAClearError() throws {
        #expect(throws: DemoPageError.self) { try DemoBrowserPage(directory: "/nonexistent", receiverURL: "http://127.0.0.1:7890") }
    }
}
