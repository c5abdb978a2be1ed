import Testing
@testable import RequestTracing

struct TraceIdentifierTests {
    @Test func traceIDParsesAndFormats32LowercaseHexDigits() throws {
        let id = try #require(TraceID(hex: W3CExample.traceID))
        #expect(id.description == W3CExample.traceID)
        #expect(TraceID(hex: W3CExample.traceID.uppercased()) == nil)
        #expect(TraceID(hex: String(W3CExample.traceID.dropLast())) == nil)
        #expect(TraceID(hex: W3CExample.traceID + "0") == nil)
        #expect(TraceID(hex: String(repeating: "0", count: 32)) == nil)
        #expect(TraceID(high: 0, low: 0) == nil)
        #expect(TraceID(high: 0, low: 1)?.description == "00000000000000000000000000000001")
    }

    @Test func spanIDParsesAndFormats16LowercaseHexDigits() throws {
        let id = try #require(SpanID(hex: W3CExample.parentID))
        #expect(id.description == W3CExample.parentID)
        #expect(id.rawValue == 0x00f0_67aa_0ba9_02b7)
        #expect(SpanID(hex: W3CExample.parentID.uppercased()) == nil)
        #expect(SpanID(hex: "0000000000000000") == nil)
        #expect(SpanID(hex: "00f067aa0ba902b") == nil)
        #expect(SpanID(rawValue: 0) == nil)
        #expect(SpanID(rawValue: 255)?.description == "00000000000000ff")
    }

    @Test func randomIDsAreNonZeroWellFormedAndDistinct() throws {
        var traces = Set<TraceID>()
        var spans = Set<SpanID>()
        for _ in 0..<10_000 {
            let trace = TraceID.random()
            let span = SpanID.random()
            #expect(trace.high != 0 || trace.low != 0)
            #expect(span.rawValue != 0)
            #expect(TraceID(hex: trace.description) == trace)
            #expect(SpanID(hex: span.description) == span)
            traces.insert(trace)
            spans.insert(span)
        }
        #expect(traces.count == 10_000)
        #expect(spans.count == 10_000)
    }
}
