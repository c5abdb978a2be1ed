import NIOHTTP1
import RequestTracing
import TestSupport
import Testing

@Suite("Hostile X-Request-ID values sent on a raw socket")
struct HostileHeaderTests {
    static let attacks: [String] = [
        "GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc\rSet-Cookie: evil=1\r\nConnection: close\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc\nSet-Cookie: evil=1\r\nConnection: close\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc\r\n Set-Cookie: evil=1\r\nConnection: close\r\n\r\n",
        "GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc%0d%0aSet-Cookie:%20evil=1\r\nConnection: close\r\n\r\n",
    ]

    @Test(arguments: attacks)
    func neverReflectsInjectedHeaders(_ request: String) async throws {
        let server = TracedServer()
        let response = try await server.run { port in
            try await sendRawHTTP(Array(request.utf8), port: port)
        }
        #expect(!response.isEmpty, "the server answers (or closes) rather than hanging")
        #expect(!response.lowercased().contains("set-cookie"))
        #expect(!response.contains("evil"))
        if response.hasPrefix("HTTP/1.1 200") {
            let echoed = response.split(separator: "\r\n").first { $0.lowercased().hasPrefix("x-request-id:") }
            let id = try #require(echoed).split(separator: ":", maxSplits: 1)[1].trimmingPrefix(" ")
            #expect(UUIDv7(String(id)) != nil, "an unsafe id is replaced, got \(id)")
        }
        for line in server.sink.lines { #expect(!line.contains("evil=1")) }
    }

    @Test func replacesAnIDWithInvalidUTF8() async throws {
        let server = TracedServer()
        var request = Array("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Request-ID: ab".utf8)
        request += [0xFF, 0xFE, 0xC3]
        request += Array("cd\r\n\r\n".utf8)
        let response = try await server.run { port in try await sendRawHTTP(request, port: port) }
        #expect(!response.isEmpty)
        if response.hasPrefix("HTTP/1.1 200") {
            let echoed = try #require(response.split(separator: "\r\n").first { $0.lowercased().hasPrefix("x-request-id:") })
            #expect(UUIDv7(String(echoed.dropFirst("x-request-id: ".count))) != nil)
        }
    }
}
