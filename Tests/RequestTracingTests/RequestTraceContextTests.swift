import Instrumentation
import Testing
@testable import RequestTracing

struct RequestTraceContextTests {
    private func sample(requestID: String = "req-1") -> RequestTraceContext {
        RequestTraceContext(incomingRequestID: requestID, traceparent: W3CExample.traceparent, tracestate: "congo=t61rcWkgMzE")
    }

    @Test func keepsAValidRequestIDAndContinuesTheCallersTrace() throws {
        let context = RequestTraceContext(
            incomingRequestID: "abc-123",
            traceparent: W3CExample.traceparent,
            tracestate: "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE"
        )
        #expect(context.requestID == "abc-123")
        #expect(context.traceID.description == W3CExample.traceID)
        let parent = try #require(context.parentSpanID)
        #expect(parent.description == W3CExample.parentID)
        #expect(context.spanID != parent)
        #expect(context.traceFlags == .sampled)
        #expect(context.traceState?.description == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
    }

    @Test func eachServerSpanGetsItsOwnSpanID() {
        let first = sample()
        let second = sample()
        #expect(first.traceID == second.traceID)
        #expect(first.parentSpanID == second.parentSpanID)
        #expect(first.spanID != second.spanID)
    }

    @Test func keepsUnsampledFlagOfTheCaller() {
        let context = RequestTraceContext(
            incomingRequestID: nil,
            traceparent: "00-\(W3CExample.traceID)-\(W3CExample.parentID)-00",
            tracestate: nil
        )
        #expect(context.traceFlags == [])
        #expect(context.outgoingTraceParent.description.hasSuffix("-00"))
    }

    @Test func replacesAnInvalidRequestIDWithAUUIDv7() {
        let context = RequestTraceContext(incomingRequestID: "bad id\r\n", traceparent: nil, tracestate: nil)
        #expect(context.requestID != "bad id\r\n")
        #expect(UUIDv7(context.requestID) != nil)
        let missing = RequestTraceContext(incomingRequestID: nil, traceparent: nil, tracestate: nil)
        #expect(UUIDv7(missing.requestID) != nil)
    }

    @Test(arguments: [
        "garbage",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "ff-\(W3CExample.traceID)-\(W3CExample.parentID)-01",
        "",
    ])
    func invalidTraceparentStartsANewTraceAndDropsTracestate(_ traceparent: String) {
        let context = RequestTraceContext(
            incomingRequestID: "abc-123",
            traceparent: traceparent,
            tracestate: "congo=t61rcWkgMzE"
        )
        #expect(context.requestID == "abc-123")
        #expect(context.traceID.description != W3CExample.traceID)
        #expect(context.parentSpanID == nil)
        #expect(context.traceState == nil)
        #expect(context.traceFlags == .sampled)
    }

    @Test func missingTraceparentStartsANewTraceAndDropsTracestate() {
        let first = RequestTraceContext(incomingRequestID: nil, traceparent: nil, tracestate: "congo=t61rcWkgMzE")
        let second = RequestTraceContext(incomingRequestID: nil, traceparent: nil, tracestate: nil)
        #expect(first.traceState == nil)
        #expect(first.parentSpanID == nil)
        #expect(first.traceID != second.traceID)
        #expect(first.requestID != second.requestID)
    }

    @Test func invalidTracestateIsDroppedButTheTraceContinues() {
        let context = RequestTraceContext(incomingRequestID: nil, traceparent: W3CExample.traceparent, tracestate: "Bad=1")
        #expect(context.traceID.description == W3CExample.traceID)
        #expect(context.traceState == nil)
    }

    @Test func newRootStartsATraceWithoutParent() {
        let root = RequestTraceContext.newRoot(requestID: "job-42")
        #expect(root.requestID == "job-42")
        #expect(root.parentSpanID == nil)
        #expect(root.traceState == nil)
        #expect(UUIDv7(RequestTraceContext.newRoot().requestID) != nil)
        #expect(RequestTraceContext.newRoot().traceID != root.traceID)
    }

    @Test func childSpanKeepsTraceAndRequestAndSetsParent() {
        let parent = sample()
        let child = parent.childSpan()
        #expect(child.requestID == parent.requestID)
        #expect(child.traceID == parent.traceID)
        #expect(child.traceFlags == parent.traceFlags)
        #expect(child.traceState == parent.traceState)
        #expect(child.parentSpanID == parent.spanID)
        #expect(child.spanID != parent.spanID)
        let grandchild = child.childSpan()
        #expect(grandchild.parentSpanID == child.spanID)
        #expect(grandchild.traceID == parent.traceID)
    }

    @Test func outgoingTraceparentNamesThisSpanAsParent() {
        let context = sample()
        let outgoing = context.outgoingTraceParent
        #expect(outgoing.traceID == context.traceID)
        #expect(outgoing.parentID == context.spanID)
        #expect(outgoing.description == "00-\(W3CExample.traceID)-\(context.spanID)-01")
    }

    @Test func currentIsNilOutsideAndSetInsideWithBound() {
        let context = sample()
        #expect(RequestTraceContext.current == nil)
        let seen = context.withBound { RequestTraceContext.current }
        #expect(seen == context)
        #expect(RequestTraceContext.current == nil)
    }

    @Test func syncWithBoundRethrowsAndUnbinds() {
        let context = sample()
        #expect(throws: SampleFailure(code: 3)) {
            try context.withBound {
                #expect(RequestTraceContext.current == context)
                throw SampleFailure(code: 3)
            }
        }
        #expect(RequestTraceContext.current == nil)
    }

    @Test func asyncWithBoundBindsAcrossSuspensionPoints() async throws {
        let context = sample()
        #expect(RequestTraceContext.current == nil)
        let seen = try await context.withBound {
            try await Task.sleep(for: .milliseconds(1))
            await Task.yield()
            return RequestTraceContext.current
        }
        #expect(seen == context)
        #expect(RequestTraceContext.current == nil)
    }

    @Test func asyncLetChildTasksSeeTheContext() async {
        let context = sample()
        await context.withBound {
            async let first: RequestTraceContext? = {
                await Task.yield()
                return RequestTraceContext.current
            }()
            async let second = RequestTraceContext.current
            let (a, b) = await (first, second)
            #expect(a == context)
            #expect(b == context)
        }
    }

    @Test func taskGroupChildrenSeeTheContext() async {
        let context = sample()
        let seen = await context.withBound {
            await withTaskGroup(of: RequestTraceContext?.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        await Task.yield()
                        return RequestTraceContext.current
                    }
                }
                var results: [RequestTraceContext?] = []
                for await value in group { results.append(value) }
                return results
            }
        }
        #expect(seen.count == 8)
        #expect(seen.allSatisfy { $0 == context })
    }

    @Test func unstructuredTaskInheritsTheContext() async {
        let context = sample()
        let task = context.withBound {
            Task {
                await Task.yield()
                return RequestTraceContext.current
            }
        }
        #expect(RequestTraceContext.current == nil)
        let seen = await task.value
        #expect(seen == context)
    }

    @Test func detachedTaskDoesNotInheritTheContext() async {
        let context = sample()
        let seen = await context.withBound {
            await Task.detached { RequestTraceContext.current }.value
        }
        #expect(seen == nil)
    }

    @Test func nestedWithBoundRestoresTheOuterContext() async {
        let outer = sample(requestID: "outer")
        let inner = outer.childSpan()
        outer.withBound {
            #expect(RequestTraceContext.current == outer)
            inner.withBound {
                #expect(RequestTraceContext.current == inner)
            }
            #expect(RequestTraceContext.current == outer)
        }
        await outer.withBound {
            await inner.withBound {
                await Task.yield()
                #expect(RequestTraceContext.current == inner)
            }
            #expect(RequestTraceContext.current == outer)
        }
        #expect(RequestTraceContext.current == nil)
    }

    @Test func instrumentationContextKeepsOtherValues() {
        enum OtherKey: InstrumentationContextKey { typealias Value = String }
        var base = InstrumentationContext.topLevel
        base[OtherKey.self] = "kept"
        let context = sample()
        InstrumentationContext.withValue(base) {
            let combined = context.instrumentationContext()
            #expect(combined[OtherKey.self] == "kept")
            #expect(combined.requestTrace == context)
            context.withBound {
                #expect(InstrumentationContext.current?[OtherKey.self] == "kept")
                #expect(RequestTraceContext.current == context)
            }
        }
    }

    @Test func requestTraceAccessorReadsAndWritesTheBag() {
        var bag = InstrumentationContext.topLevel
        #expect(bag.requestTrace == nil)
        let context = sample()
        bag.requestTrace = context
        #expect(bag[RequestTraceContextKey.self] == context)
        bag.requestTrace = nil
        #expect(bag.isEmpty)
    }
}
