import Testing

@testable import RequestTracingShipper

@Suite("LogShipper reading the receiver's stream replies")
struct StreamReplyTests {
    @Test func anAckCarriesTheReasonsOfTheRecordsItRefused() throws {
        let reply = try #require(StreamReply.decode(Array(
            #"{"ack":7,"accepted":1,"duplicates":0,"rejected":1,"errors":[{"line":2,"reason":"record is 2071 bytes; the limit is 1024"}]}"#.utf8
        )))
        #expect(reply.ack == 7 && reply.accepted == 1 && reply.rejected == 1)
        #expect(reply.errors == [.init(line: 2, reason: "record is 2071 bytes; the limit is 1024")])
    }

    @Test func anAckWhoseRefusalsCannotBeReadIsStillAnAck() throws {
        for errors in [#""garbled""#, #"[{"line":"two"}]"#, "null"] {
            let reply = try #require(StreamReply.decode(Array(#"{"ack":3,"accepted":1,"rejected":1,"errors":\#(errors)}"#.utf8)), "\(errors)")
            #expect(reply.ack == 3 && reply.rejected == 1 && reply.errors == nil, "\(errors)")
        }
    }

    @Test func aNackKeepsItsErrorCodeAndDelay() throws {
        let reply = try #require(StreamReply.decode(Array(#"{"nack":4,"error":"store_full","retry_after_ms":30000}"#.utf8)))
        #expect(reply.nack == 4 && reply.error == "store_full" && reply.retryAfterMilliseconds == 30_000)
        #expect(StreamReply.decode(Array("not json".utf8)) == nil)
    }
}
