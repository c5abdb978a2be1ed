import Foundation
import Testing
@testable import RequestTracing

enum InventoryError: Error {
    case outOfStock(sku: String)
}

struct TracedErrorTests {
    private static let timestampPattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"#

    private func requestContext() -> RequestTraceContext {
        RequestTraceContext(incomingRequestID: "req-err", traceparent: W3CExample.traceparent, tracestate: nil)
    }

    @Test func carriesTheIDsOfTheBoundContext() {
        let context = requestContext()
        let error = context.withBound { TracedError("charging failed", cause: SampleFailure()) }
        #expect(error.requestID == "req-err")
        #expect(error.traceID == W3CExample.traceID)
        #expect(error.spanID == context.spanID.description)
    }

    @Test func carriesNoIDsOutsideABoundContext() {
        let error = TracedError("charging failed", cause: SampleFailure())
        #expect(error.requestID == nil)
        #expect(error.traceID == nil)
        #expect(error.spanID == nil)
    }

    @Test func acceptsAnExplicitTrace() {
        let context = requestContext()
        let error = TracedError("x", cause: SampleFailure(), trace: context)
        #expect(error.spanID == context.spanID.description)
    }

    @Test func stampsTheTimeInRFC3339UTC() throws {
        let before = UTCTimestamp.now()
        let error = TracedError("x", cause: SampleFailure())
        let after = UTCTimestamp.now()
        #expect(try Regex(Self.timestampPattern).wholeMatch(in: error.timestamp) != nil)
        #expect(before.description <= error.timestamp)
        #expect(error.timestamp <= after.description)
    }

    @Test func describesTheCauseAndItsFullyQualifiedType() {
        let error = TracedError("reserving stock failed", cause: InventoryError.outOfStock(sku: "sku-9"))
        #expect(error.message == "reserving stock failed")
        #expect(error.causeDescription == "outOfStock(sku: \"sku-9\")")
        #expect(error.causeType == "RequestTracingTests.InventoryError")
        #expect(error.description == "reserving stock failed: outOfStock(sku: \"sku-9\")")
        #expect(error.cause is InventoryError)
    }

    struct NestedFailure: Error {}

    @Test func nestedCauseTypesAreFullyQualified() {
        #expect(TracedError("x", cause: NestedFailure()).causeType == "RequestTracingTests.TracedErrorTests.NestedFailure")
        #expect(TracedError("x", cause: CancellationError()).causeType == "Swift.CancellationError")
    }

    @Test func wrappingTwiceKeepsTheOriginalCauseAndMergesContext() throws {
        let context = requestContext()
        let inner = context.withBound {
            TracedError("reading row", cause: SampleFailure(code: 3), context: ["table": "orders", "shared": "inner"])
        }
        let outer = TracedError("loading order", cause: inner, context: ["order_id": "o-1", "shared": "outer"])
        #expect(outer.causeType == "RequestTracingTests.SampleFailure")
        #expect(try #require(outer.cause as? SampleFailure) == SampleFailure(code: 3))
        #expect(!(outer.cause is TracedError))
        #expect(outer.context == ["table": "orders", "order_id": "o-1", "shared": "inner"])
        #expect(outer.description == "loading order: reading row: sample failure 3")
        // The ids are those of where the error first happened.
        #expect(outer.requestID == "req-err")
        #expect(outer.spanID == context.spanID.description)
    }

    @Test func wrappingInAnotherSpanKeepsTheInnerSpan() {
        let request = requestContext()
        let child = request.childSpan()
        let inner = child.withBound { TracedError("inner", cause: SampleFailure()) }
        let outer = request.withBound { TracedError("outer", cause: inner) }
        #expect(outer.spanID == child.spanID.description)
        let unbound = TracedError("outer", cause: TracedError("inner", cause: SampleFailure()), trace: request)
        #expect(unbound.spanID == request.spanID.description)
        #expect(unbound.requestID == "req-err")
    }

    @Test func tracedExtensionWrapsWithTheCurrentContext() {
        let context = requestContext()
        let error = context.withBound { SampleFailure().traced("doing work", context: ["k": "v"]) }
        #expect(error.message == "doing work")
        #expect(error.context == ["k": "v"])
        #expect(error.requestID == "req-err")
    }

    @Test func encodesWithSnakeCaseKeysAndNoNulls() throws {
        let context = requestContext()
        let error = context.withBound { TracedError("charging failed", cause: SampleFailure(), context: ["order_id": "o-1"]) }
        let data = try JSONEncoder().encode(error)
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(!text.contains("null"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["message", "cause", "cause_type", "request_id", "trace_id", "span_id", "timestamp", "context"])
        #expect(object["message"] as? String == "charging failed")
        #expect(object["cause"] as? String == "sample failure 7")
        #expect(object["cause_type"] as? String == "RequestTracingTests.SampleFailure")
        #expect(object["request_id"] as? String == "req-err")
        #expect(object["trace_id"] as? String == W3CExample.traceID)
        #expect(object["span_id"] as? String == context.spanID.description)
        #expect(object["timestamp"] as? String == error.timestamp)
        #expect(object["context"] as? [String: String] == ["order_id": "o-1"])
    }

    @Test func encodingOmitsAbsentIDsAndEmptyContext() throws {
        let data = try JSONEncoder().encode(TracedError("x", cause: SampleFailure()))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["message", "cause", "cause_type", "timestamp"])
        #expect(!object.values.contains { $0 is NSNull })
    }
}
