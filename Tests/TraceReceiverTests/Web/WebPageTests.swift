import Foundation
import Testing

@testable import TraceReceiver

@Suite("GET / (web page)")
struct WebPageTests {
    @Test
    func servesThePageAndItsAssetsUnderAStrictContentSecurityPolicy() async throws {
        try await withReceiver(configure: { $0.store = .memory }) { (receiver) async throws in
            let page = try await receiver.get("/")
            #expect(page.status == 200)
            #expect(page.headers["Content-Type"].first == "text/html; charset=utf-8")
            let policy = try #require(page.headers["Content-Security-Policy"].first)
            for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"] {
                #expect(policy.contains(directive), "\(directive)")
            }
            #expect(page.headers["X-Content-Type-Options"].first == "nosniff")
            #expect(page.headers["Referrer-Policy"].first == "no-referrer")
            #expect(page.body.contains("src=\"/ui/app.js\""))
            #expect(page.body.contains("href=\"/ui/app.css\""))

            let script = try await receiver.get("/ui/app.js")
            #expect(script.status == 200)
            #expect(script.headers["Content-Type"].first == "text/javascript; charset=utf-8")
            #expect(script.body.contains("/api/requests"))
            #expect(script.body.contains("/api/live"))
            let style = try await receiver.get("/ui/app.css")
            #expect(style.status == 200)
            #expect(style.headers["Content-Type"].first == "text/css; charset=utf-8")
            #expect(style.body.utf8.count > 100)
        }
    }

    @Test
    func pageLoadsNothingFromElsewhereAndNothingInlineThePolicyWouldBlock() throws {
        let html = String(decoding: PackageResources.index_html, as: UTF8.self)
        let references = html.matches(of: /(?:src|href)\s*=\s*"([^"]*)"/).map { String($0.output.1) }
        #expect(!references.isEmpty)
        for reference in references {
            #expect(reference.hasPrefix("/ui/") || reference.hasPrefix("#") || reference.hasPrefix("data:"), "\(reference)")
        }
        // Inline script bodies, inline handlers and style attributes would all be refused by the policy.
        #expect(html.firstMatch(of: /<script(?![^>]*\bsrc=)[^>]*>/) == nil)
        #expect(html.firstMatch(of: /\son[a-z]+\s*=/) == nil)
        #expect(html.firstMatch(of: /\sstyle\s*=/) == nil)
        #expect(html.firstMatch(of: /<style/) == nil)
    }

    @Test
    func revalidationWithTheEntityTagAnswersNotModified() async throws {
        try await withReceiver(configure: { $0.store = .memory }) { (receiver) async throws in
            let first = try await receiver.get("/ui/app.js")
            let tag = try #require(first.headers["ETag"].first)
            #expect(first.headers["Cache-Control"].first == "no-cache")
            let again = try await receiver.get("/ui/app.js", headers: [("If-None-Match", "\"other\", \(tag)")])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            let changed = try await receiver.get("/ui/app.js", headers: [("If-None-Match", "\"stale\"")])
            #expect(changed.status == 200)
        }
    }

    @Test
    func unknownPagePathsAnswerJSON404() async throws {
        try await withReceiver(configure: { $0.store = .memory }) { (receiver) async throws in
            for path in ["/ui/other.js", "/ui/../Package.swift", "/index.html"] {
                let reply = try await receiver.get(path)
                #expect(reply.status == 404, "\(path)")
                #expect(reply.errorCode != nil, "\(path): \(reply.body)")
            }
        }
    }
}
