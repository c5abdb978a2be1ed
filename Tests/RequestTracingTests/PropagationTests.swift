import HTTPTypes
import Instrumentation
import Testing
@testable import RequestTracing

/// Writes into a `[String: String]` carrier.
struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

/// Reads a `[String: String]` carrier, ignoring key case like HTTP does.
struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier.first { $0.key.lowercased() == key.lowercased() }?.value
    }
}

struct PropagationTests {
    private func context(tracestate: String? = nil) -> RequestTraceContext {
        RequestTraceContext(incomingRequestID: "req-77", traceparent: W3CExample.traceparent, tracestate: tracestate)
    }

    // MARK: HTTPFields

    @Test func injectSetsRequestIDAndTraceparentWithTheCurrentSpanAsParent() throws {
        let trace = context()
        var fields = HTTPFields()
        fields.injectRequestTracing(trace)
        #expect(fields[.xRequestID] == "req-77")
        let header = try #require(fields[.traceparent])
        #expect(header == "00-\(W3CExample.traceID)-\(trace.spanID)-01")
        let parsed = try #require(TraceParent(header))
        #expect(parsed.parentID == trace.spanID)
        #expect(parsed.parentID.description != W3CExample.parentID)
        #expect(fields[.tracestate] == nil)
    }

    @Test func injectUsesTheBoundContextByDefault() throws {
        let trace = context()
        var fields = HTTPFields()
        trace.withBound { fields.injectRequestTracing() }
        #expect(fields[.xRequestID] == trace.requestID)
        let header = try #require(fields[.traceparent])
        #expect(TraceParent(header)?.parentID == trace.spanID)
    }

    @Test func injectDoesNothingWithoutAContext() {
        var fields: HTTPFields = [.xRequestID: "keep-me", .accept: "*/*"]
        fields.injectRequestTracing()
        #expect(fields == [.xRequestID: "keep-me", .accept: "*/*"])
    }

    @Test func injectSetsTracestateOnlyWhenPresent() {
        var with = HTTPFields()
        with.injectRequestTracing(context(tracestate: "congo=t61rcWkgMzE , rojo=1"))
        #expect(with[.tracestate] == "congo=t61rcWkgMzE,rojo=1")
        var without = HTTPFields()
        without.injectRequestTracing(context())
        #expect(without[.tracestate] == nil)
        #expect(without.count == 2)
    }

    @Test func injectReplacesStaleValues() {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .xRequestID, value: "old-1"))
        fields.append(HTTPField(name: .xRequestID, value: "old-2"))
        fields.append(HTTPField(name: .traceparent, value: "00-\(W3CExample.traceID)-\(W3CExample.parentID)-01"))
        fields.append(HTTPField(name: .tracestate, value: "stale=1"))
        let trace = context()
        fields.injectRequestTracing(trace)
        #expect(fields[values: .xRequestID] == ["req-77"])
        #expect(fields[values: .traceparent] == [trace.outgoingTraceParent.description])
        #expect(fields[values: .tracestate].isEmpty)
    }

    @Test func extractReadsAllThreeHeaders() throws {
        let fields: HTTPFields = [
            .xRequestID: "abc-123",
            .traceparent: W3CExample.traceparent,
            .tracestate: "congo=t61rcWkgMzE",
        ]
        let trace = fields.extractRequestTracing()
        #expect(trace.requestID == "abc-123")
        #expect(trace.traceID.description == W3CExample.traceID)
        #expect(trace.parentSpanID?.description == W3CExample.parentID)
        #expect(trace.traceState?.description == "congo=t61rcWkgMzE")
    }

    @Test func extractMatchesHeaderNamesCaseInsensitively() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: try #require(HTTPField.Name("X-REQUEST-ID")), value: "upper-1"))
        fields.append(HTTPField(name: try #require(HTTPField.Name("TraceParent")), value: W3CExample.traceparent))
        let trace = fields.extractRequestTracing()
        #expect(trace.requestID == "upper-1")
        #expect(trace.traceID.description == W3CExample.traceID)
    }

    @Test func extractGeneratesANewIDForConflictingRequestIDFields() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .xRequestID, value: "first-id"))
        fields.append(HTTPField(name: .xRequestID, value: "second-id"))
        let trace = fields.extractRequestTracing()
        #expect(trace.requestID != "first-id")
        #expect(trace.requestID != "second-id")
        #expect(UUIDv7(trace.requestID) != nil)
    }

    @Test func extractStartsANewTraceForRepeatedTraceparentFields() {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .traceparent, value: W3CExample.traceparent))
        fields.append(HTTPField(name: .traceparent, value: W3CExample.traceparent))
        fields.append(HTTPField(name: .tracestate, value: "congo=1"))
        let trace = fields.extractRequestTracing()
        #expect(trace.traceID.description != W3CExample.traceID)
        #expect(trace.parentSpanID == nil)
        #expect(trace.traceState == nil)
    }

    @Test func extractJoinsRepeatedTracestateFields() {
        var fields: HTTPFields = [.traceparent: W3CExample.traceparent]
        fields.append(HTTPField(name: .tracestate, value: "rojo=00f067aa0ba902b7"))
        fields.append(HTTPField(name: .tracestate, value: "congo=t61rcWkgMzE"))
        let trace = fields.extractRequestTracing()
        #expect(trace.traceState?.description == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
    }

    @Test func injectThenExtractMakesAChildOfTheCaller() {
        let caller = context(tracestate: "congo=1")
        var fields = HTTPFields()
        fields.injectRequestTracing(caller)
        let callee = fields.extractRequestTracing()
        #expect(callee.requestID == caller.requestID)
        #expect(callee.traceID == caller.traceID)
        #expect(callee.parentSpanID == caller.spanID)
        #expect(callee.spanID != caller.spanID)
        #expect(callee.traceState == caller.traceState)
    }

    @Test func propagationHeadersListTracestateOnlyWhenPresent() {
        let plain = context().propagationHeaders
        #expect(plain.map(\.name) == ["x-request-id", "traceparent"])
        let withState = context(tracestate: "congo=1").propagationHeaders
        #expect(withState.map(\.name) == ["x-request-id", "traceparent", "tracestate"])
        #expect(withState.map(\.value).last == "congo=1")
    }

    // MARK: Environment

    @Test func environmentCarriesRequestIDAndTraceparent() {
        let trace = context()
        #expect(trace.environment == [
            "REQUEST_ID": "req-77",
            "TRACEPARENT": trace.outgoingTraceParent.description,
        ])
        let withState = context(tracestate: "congo=1")
        #expect(withState.environment["TRACESTATE"] == "congo=1")
    }

    @Test func environmentMergingReplacesStaleValuesAndKeepsTheRest() {
        let trace = context()
        let merged = trace.environment(mergingInto: [
            "PATH": "/usr/bin",
            "REQUEST_ID": "outer-request",
            "TRACEPARENT": "00-\(W3CExample.traceID)-\(W3CExample.parentID)-01",
            "TRACESTATE": "stale=1",
        ])
        #expect(merged["PATH"] == "/usr/bin")
        #expect(merged["REQUEST_ID"] == "req-77")
        #expect(merged["TRACEPARENT"] == trace.outgoingTraceParent.description)
        #expect(merged["TRACESTATE"] == nil)
        #expect(merged.count == 3)
    }

    @Test func environmentMergingSetsTracestateWhenPresent() {
        let merged = context(tracestate: "congo=1").environment(mergingInto: ["TRACESTATE": "stale=1"])
        #expect(merged["TRACESTATE"] == "congo=1")
    }

    @Test func environmentRoundTripsIntoAChildProcessContext() throws {
        let parent = context(tracestate: "congo=1")
        let child = try #require(RequestTraceContext(environment: parent.environment(mergingInto: ["HOME": "/root"])))
        #expect(child.requestID == parent.requestID)
        #expect(child.traceID == parent.traceID)
        #expect(child.parentSpanID == parent.spanID)
        #expect(child.spanID != parent.spanID)
        #expect(child.traceState == parent.traceState)
        #expect(child.traceFlags == parent.traceFlags)
    }

    @Test func environmentWithoutValidTraceparentGivesNoContext() {
        #expect(RequestTraceContext(environment: [:]) == nil)
        #expect(RequestTraceContext(environment: ["REQUEST_ID": "abc"]) == nil)
        #expect(RequestTraceContext(environment: ["REQUEST_ID": "abc", "TRACEPARENT": "nonsense"]) == nil)
    }

    @Test func environmentWithInvalidRequestIDGetsAFreshOne() throws {
        let child = try #require(
            RequestTraceContext(environment: ["REQUEST_ID": "bad\nid", "TRACEPARENT": W3CExample.traceparent])
        )
        #expect(UUIDv7(child.requestID) != nil)
        #expect(child.traceID.description == W3CExample.traceID)
    }

    // MARK: Instrument

    @Test func instrumentInjectsIntoADictionaryCarrier() throws {
        let trace = context(tracestate: "congo=1")
        var bag = InstrumentationContext.topLevel
        bag.requestTrace = trace
        var carrier: [String: String] = ["other": "value"]
        RequestTracingInstrument().inject(bag, into: &carrier, using: DictionaryInjector())
        #expect(carrier == [
            "other": "value",
            "x-request-id": "req-77",
            "traceparent": trace.outgoingTraceParent.description,
            "tracestate": "congo=1",
        ])
    }

    @Test func instrumentInjectsNothingWithoutARequestTrace() {
        var carrier: [String: String] = [:]
        RequestTracingInstrument().inject(InstrumentationContext.topLevel, into: &carrier, using: DictionaryInjector())
        #expect(carrier.isEmpty)
    }

    @Test func instrumentExtractsFromADictionaryCarrier() throws {
        let carrier = [
            "X-Request-ID": "from-carrier",
            "traceparent": W3CExample.traceparent,
            "tracestate": "congo=t61rcWkgMzE",
        ]
        var bag = InstrumentationContext.topLevel
        RequestTracingInstrument().extract(carrier, into: &bag, using: DictionaryExtractor())
        let trace = try #require(bag.requestTrace)
        #expect(trace.requestID == "from-carrier")
        #expect(trace.traceID.description == W3CExample.traceID)
        #expect(trace.parentSpanID?.description == W3CExample.parentID)
        #expect(trace.traceState?.description == "congo=t61rcWkgMzE")
    }

    @Test func instrumentExtractStartsANewTraceFromAnEmptyCarrier() throws {
        var bag = InstrumentationContext.topLevel
        RequestTracingInstrument().extract([String: String](), into: &bag, using: DictionaryExtractor())
        let trace = try #require(bag.requestTrace)
        #expect(UUIDv7(trace.requestID) != nil)
        #expect(trace.parentSpanID == nil)
    }

    @Test func instrumentRoundTripsThroughACarrier() throws {
        let caller = context()
        var outgoing = InstrumentationContext.topLevel
        outgoing.requestTrace = caller
        var carrier: [String: String] = [:]
        let instrument = RequestTracingInstrument()
        instrument.inject(outgoing, into: &carrier, using: DictionaryInjector())
        var incoming = InstrumentationContext.topLevel
        instrument.extract(carrier, into: &incoming, using: DictionaryExtractor())
        let callee = try #require(incoming.requestTrace)
        #expect(callee.requestID == caller.requestID)
        #expect(callee.traceID == caller.traceID)
        #expect(callee.parentSpanID == caller.spanID)
    }
}
