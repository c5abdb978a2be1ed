import Testing

@testable import TraceReceiver

@Suite("CaptureParsing: correlation ids")
struct CorrelationExtractionTests {
    @Test(arguments: [
        ("handled req:abc123 in 3ms", "abc123"),
        ("handled request_id=0190ab12-3456-7def-8123-456789abcdef", "0190ab12-3456-7def-8123-456789abcdef"),
        ("handled requestId: r-77", "r-77"),
        (#"X-Request-ID="q.1""#, "q.1"),
        ("correlation_id=c42, user=bob", "c42"),
        ("hb.request.id=4a0b1c2d3e4f5a6b-1 hb.request.method=GET", "4a0b1c2d3e4f5a6b-1"),
        ("http.request.id=r-ecs done", "r-ecs"),
        ("user 0190ab12-3456-7def-8123-456789abcdef signed in", "0190ab12-3456-7def-8123-456789abcdef"),
    ])
    func requestIDFromText(line: String, id: String) {
        #expect(CaptureParsing.parse(line).requestID == id)
    }

    @Test func traceparentValueGivesTraceAndSpan() {
        let record = CaptureParsing.parse("outgoing call traceparent 00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01 sent")
        #expect(record.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(record.spanID == "00f067aa0ba902b7")
    }

    @Test func standaloneThirtyTwoHexIsATraceID() {
        let record = CaptureParsing.parse("span done 4bf92f3577b34da6a3ce929d0e0e4736 ok")
        #expect(record.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(record.requestID == nil)
    }

    @Test func labelledTraceID() {
        #expect(CaptureParsing.parse("trace_id=4bf92f3577b34da6a3ce929d0e0e4736 done").traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    @Test func labelledIDBeatsAUUIDInAURLPath() {
        let record = CaptureParsing.parse("GET /orders/550e8400-e29b-41d4-a716-446655440000 request_id=r1")
        #expect(record.requestID == "r1")
    }

    @Test func bareUUIDBeatsAUUIDInAURLPath() {
        let record = CaptureParsing.parse(
            "GET /orders/550e8400-e29b-41d4-a716-446655440000 by 0190ab12-3456-7def-8123-456789abcdef"
        )
        #expect(record.requestID == "0190ab12-3456-7def-8123-456789abcdef")
    }

    @Test func uuidInAURLPathIsTakenOnlyWhenNothingElseExists() {
        #expect(CaptureParsing.parse("GET /orders/550e8400-e29b-41d4-a716-446655440000 200").requestID == "550e8400-e29b-41d4-a716-446655440000")
        let withTrace = CaptureParsing.parse("GET /orders/550e8400-e29b-41d4-a716-446655440000 trace_id=4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(withTrace.requestID == nil)
        #expect(withTrace.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    @Test func wordsThatMerelyStartWithALabelAreNotLabels() {
        let record = CaptureParsing.parse("request: GET / took 5ms; traceback: none; requests=5")
        #expect(record.requestID == nil)
        #expect(record.traceID == nil)
    }

    @Test func quotedLabelsOfJSONOrADictInTheTextCount() {
        let json = CaptureParsing.parse(#"retrying payload={"order":7,"request_id":"r-json","trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}"#)
        #expect(json.requestID == "r-json")
        #expect(json.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(CaptureParsing.parse("job args {'correlation_id': 'c-dict', 'n': 2}").requestID == "c-dict")
    }

    @Test func aQuoteAfterALabelNeedsTheSameQuoteBeforeIt() {
        #expect(CaptureParsing.parse(#"unbalanced request_id":"r-1" here"#).requestID == nil)
        #expect(CaptureParsing.parse(#"mixed 'request_id":"r-1" here"#).requestID == nil)
    }

    @Test func longerHexRunsAreNotTraceIDs() {
        #expect(CaptureParsing.parse("sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").traceID == nil)
    }
}
