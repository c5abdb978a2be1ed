import Foundation
import Logging
import Testing
@testable import RequestTracing

struct TimedTests {
    private func requestContext() -> RequestTraceContext {
        RequestTraceContext(incomingRequestID: "req-timed", traceparent: W3CExample.traceparent, tracestate: nil)
    }

    private func duration(_ record: [String: Any]) throws -> Double {
        try #require(record["duration_ms"] as? NSNumber).doubleValue
    }

    @Test func syncTimedLogsCompletedWithDurationInAChildSpan() throws {
        let sink = InMemoryLogSink()
        let logger = makeTestLogger(sink: sink)
        let request = requestContext()
        let result = request.withBound {
            timed("load_profile", logger: logger) { () -> Int in
                Thread.sleep(forTimeInterval: 0.02)
                return 41 + 1
            }
        }
        #expect(result == 42)
        let record = try onlyRecord(sink)
        #expect(record["event"] as? String == "load_profile_completed")
        #expect(record["message"] as? String == "load_profile completed")
        #expect(record["level"] as? String == "info")
        #expect(try duration(record) >= 19)
        #expect(try duration(record) < 10_000)
        #expect(sink.lines[0].range(of: #""duration_ms":\d+(\.\d+)?[,}]"#, options: .regularExpression) != nil)
        #expect(record["request_id"] as? String == "req-timed")
        #expect(record["trace_id"] as? String == W3CExample.traceID)
        #expect(record["parent_span_id"] as? String == request.spanID.description)
        let span = try #require(record["span_id"] as? String)
        #expect(span != request.spanID.description)
        #expect(SpanID(hex: span) != nil)
    }

    /// An actor that counts its work inside `withBound` and `timed`: both closures run on the caller's
    /// executor (`nonisolated(nonsending)`), so they touch the actor's state without `await` (this would
    /// not compile if either closure left the actor).
    private actor Counter {
        var steps = 0
        var seenRequestIDs: [String] = []

        func work(_ request: RequestTraceContext, logger: Logger) async throws {
            try await request.withBound {
                steps += 1
                try await timed("count", logger: logger) {
                    steps += 1
                    try await Task.sleep(for: .milliseconds(1))
                    seenRequestIDs.append(RequestTraceContext.current?.requestID ?? "none")
                }
            }
        }
    }

    @Test func asyncTimedAndWithBoundKeepTheCallersActorIsolation() async throws {
        let sink = InMemoryLogSink()
        let counter = Counter()
        try await counter.work(requestContext(), logger: makeTestLogger(sink: sink))
        #expect(await counter.steps == 2)
        #expect(await counter.seenRequestIDs == ["req-timed"])
        #expect(try onlyRecord(sink)["event"] as? String == "count_completed")
    }

    @Test func asyncTimedLogsCompletedWithDurationInAChildSpan() async throws {
        let sink = InMemoryLogSink()
        let logger = makeTestLogger(sink: sink)
        let request = requestContext()
        let result = try await request.withBound {
            try await timed("fetch_stock", logger: logger) { () async throws -> String in
                try await Task.sleep(for: .milliseconds(20))
                return "ok"
            }
        }
        #expect(result == "ok")
        let record = try onlyRecord(sink)
        #expect(record["event"] as? String == "fetch_stock_completed")
        #expect(record["level"] as? String == "info")
        #expect(try duration(record) >= 19)
        #expect(record["request_id"] as? String == "req-timed")
        #expect(record["trace_id"] as? String == W3CExample.traceID)
        #expect(record["parent_span_id"] as? String == request.spanID.description)
        #expect(record["span_id"] as? String != request.spanID.description)
    }

    @Test func blockRunsInAChildSpanOfTheBoundRequest() throws {
        let sink = InMemoryLogSink()
        let logger = makeTestLogger(sink: sink)
        let request = requestContext()
        let inner = request.withBound {
            timed("step", logger: logger) { RequestTraceContext.current }
        }
        let child = try #require(inner)
        #expect(child.spanID != request.spanID)
        #expect(child.parentSpanID == request.spanID)
        #expect(child.traceID == request.traceID)
        #expect(child.requestID == request.requestID)
        let record = try onlyRecord(sink)
        #expect(record["span_id"] as? String == child.spanID.description)
    }

    @Test func asyncBlockRunsInAChildSpanAndRestoresTheOuterSpan() async throws {
        let sink = InMemoryLogSink()
        let logger = makeTestLogger(sink: sink)
        let request = requestContext()
        let (inner, after) = await request.withBound {
            let inner = await timed("step", logger: logger) { () async -> RequestTraceContext? in
                await Task.yield()
                // Child tasks inside the block see the block's span too.
                async let fromChild = RequestTraceContext.current
                let child = await fromChild
                #expect(child == RequestTraceContext.current)
                return RequestTraceContext.current
            }
            return (inner, RequestTraceContext.current)
        }
        let child = try #require(inner)
        #expect(child.spanID != request.spanID)
        #expect(child.parentSpanID == request.spanID)
        #expect(after == request)
        #expect(try onlyRecord(sink)["span_id"] as? String == child.spanID.description)
    }

    @Test func nestedTimedBlocksFormAChainOfSpans() throws {
        let sink = InMemoryLogSink()
        let logger = makeTestLogger(sink: sink)
        let request = requestContext()
        request.withBound {
            timed("outer", logger: logger) {
                timed("inner", logger: logger) {}
            }
        }
        #expect(sink.lines.count == 2)
        let inner = try parseRecord(sink.lines[0])
        let outer = try parseRecord(sink.lines[1])
        #expect(inner["event"] as? String == "inner_completed")
        #expect(outer["event"] as? String == "outer_completed")
        #expect(outer["parent_span_id"] as? String == request.spanID.description)
        #expect(inner["parent_span_id"] as? String == outer["span_id"] as? String)
    }

    @Test func syncThrowingBlockLogsFailedAndRethrowsTheSameError() throws {
        let sink = InMemoryLogSink()
        let logger = makeTestLogger(sink: sink)
        let request = requestContext()
        let thrown = #expect(throws: SampleFailure.self) {
            try request.withBound {
                try timed("charge_card", logger: logger) {
                    Thread.sleep(forTimeInterval: 0.005)
                    throw SampleFailure(code: 402)
                }
            }
        }
        #expect(thrown == SampleFailure(code: 402))
        let record = try onlyRecord(sink)
        #expect(record["event"] as? String == "charge_card_failed")
        #expect(record["message"] as? String == "charge_card failed")
        #expect(record["level"] as? String == "error")
        #expect(record["error"] as? String == "sample failure 402")
        #expect(record["error_type"] as? String == "RequestTracingTests.SampleFailure")
        #expect(try duration(record) >= 4)
        #expect(record["parent_span_id"] as? String == request.spanID.description)
    }

    @Test func asyncThrowingBlockLogsFailedAndRethrowsTheSameError() async throws {
        let sink = InMemoryLogSink()
        let logger = makeTestLogger(sink: sink)
        let request = requestContext()
        let thrown = await #expect(throws: SampleFailure.self) {
            try await request.withBound {
                try await timed("reserve", logger: logger, level: .debug) {
                    try await Task.sleep(for: .milliseconds(20))
                    throw SampleFailure(code: 409)
                }
            }
        }
        #expect(thrown == SampleFailure(code: 409))
        let record = try onlyRecord(sink)
        #expect(record["event"] as? String == "reserve_failed")
        #expect(record["level"] as? String == "error")
        #expect(record["error"] as? String == "sample failure 409")
        #expect(record["error_type"] as? String == "RequestTracingTests.SampleFailure")
        #expect(try duration(record) >= 19)
        #expect(record["span_id"] as? String != request.spanID.description)
        #expect(record["parent_span_id"] as? String == request.spanID.description)
    }

    @Test func usesTheGivenLevelAndMetadata() throws {
        let sink = InMemoryLogSink()
        timed("quick", logger: makeTestLogger(sink: sink), level: .debug, metadata: ["item": "sku-1"]) {}
        let record = try onlyRecord(sink)
        #expect(record["level"] as? String == "debug")
        #expect((record["fields"] as? [String: Any])?["item"] as? String == "sku-1")
        #expect(try duration(record) >= 0)
    }

    @Test func startsANewTraceWhenNoRequestIsBound() throws {
        let sink = InMemoryLogSink()
        let inner = timed("standalone", logger: makeTestLogger(sink: sink)) { RequestTraceContext.current }
        let trace = try #require(inner)
        #expect(trace.parentSpanID == nil)
        #expect(UUIDv7(trace.requestID) != nil)
        let record = try onlyRecord(sink)
        #expect(record["span_id"] as? String == trace.spanID.description)
        #expect(record["parent_span_id"] == nil)
        #expect(RequestTraceContext.current == nil)
    }

    @Test func durationConvertsToFractionalMilliseconds() {
        #expect(Duration.milliseconds(1250).milliseconds == 1250)
        #expect(Duration.microseconds(1250).milliseconds == 1.25)
        #expect(Duration.seconds(2).milliseconds == 2000)
        #expect(Duration.zero.milliseconds == 0)
    }
}
