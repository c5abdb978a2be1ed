import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOHTTP1
import RequestTracing
import RequestTracingHummingbird
import TestSupport

/// A real server on an ephemeral loopback port with RequestTracingMiddleware, logging JSON into memory.
struct TracedServer {
    struct PlainFailure: Error, CustomStringConvertible {
        var description: String { "database connection reset" }
    }

    let sink = InMemoryLogSink()

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestTracingMiddleware())
        router.get("/hello") { _, _ in "hello" }
        router.get("/context-id") { _, context in context.id }
        router.get("/whoami") { _, _ -> String in
            await Task.yield()
            async let seen = RequestTraceContext.current
            let trace = await seen
            return "\(trace?.requestID ?? "-") \(trace?.traceID.description ?? "-") \(trace?.spanID.description ?? "-") \(trace?.parentSpanID?.description ?? "-")"
        }
        router.get("/fail") { _, _ -> String in throw PlainFailure() }
        router.get("/teapot") { _, _ -> String in throw HTTPError(.init(code: 418), message: "short and stout") }
        router.get("/work") { request, _ -> String in
            // Logs from the handler, a child task and a task group, all through Logger.current.
            let tag = request.uri.queryParameters["tag"].map(String.init) ?? "?"
            Logger.current.info("handler", metadata: ["event": "work", "tag": .string(tag)])
            async let child: Void = { Logger.current.info("child", metadata: ["event": "work", "tag": .string(tag)]) }()
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        await Task.yield()
                        Logger.current.info("group", metadata: ["event": "work", "tag": .string(tag)])
                    }
                }
            }
            await child
            return tag
        }
        return router
    }

    var logger: Logger {
        Logger(label: "svc") { [sink] in StructuredLogHandler(label: $0, service: "svc", sink: sink, logLevel: .debug) }
            .with(level: .debug)
    }

    func run<Result: Sendable>(_ body: (Int) async throws -> Result) async throws -> Result {
        try await withRunningApplication({ testApplication(router: router(), logger: logger, onRunning: $0) }, body)
    }
}

extension Logger {
    func with(level: Logger.Level) -> Logger {
        var copy = self
        copy.logLevel = level
        return copy
    }
}

/// A GET with optional headers; returns status, headers and body.
func get(_ port: Int, _ path: String, headers: [(String, String)] = []) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), response.headers, String(buffer: body))
}
