import Testing

@testable import RequestTracingShipper

@Suite("LogShipper's in-memory queue")
struct ShipperQueueTests {
    static func append(_ queue: ShipperQueue, _ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { queue.append($0) }
    }

    static func take(_ queue: ShipperQueue, _ records: Int = .max) -> [String] {
        queue.take(records: records, bytes: .max).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func keepsTheNewestLinesInOrderWhenOverItsRecordBound() {
        let queue = ShipperQueue(capacity: 3, limitBytes: 1 << 16, batchRecords: 100)
        for index in 1...5 { _ = Self.append(queue, "line \(index)") }
        #expect(Self.take(queue) == ["line 3", "line 4", "line 5"])
        #expect(queue.takeDroppedCount() == 2)
        #expect(queue.takeDroppedCount() == 0, "the count is reset once taken")
        #expect(queue.droppedTotal == 2)
    }

    @Test func wrapsAroundItsByteRingWithoutLosingOrderOrTheNewestLine() {
        let queue = ShipperQueue(capacity: 1_000, limitBytes: 97, batchRecords: 1_000)
        var appended: [String] = []
        var taken: [String] = []
        for index in 0..<2_000 {
            let line = "#\(index)" + String(repeating: "x", count: index % 23)
            _ = Self.append(queue, line)
            appended.append(line)
            if index % 7 == 6 { taken += Self.take(queue, 2) }
        }
        taken += Self.take(queue)
        #expect(taken.last == appended.last, "the newest line always survives")
        #expect(taken.count + queue.droppedTotal == appended.count, "every line is either delivered or counted")
        // Delivered lines keep their order and their bytes.
        var next = appended.makeIterator()
        for line in taken {
            var found = false
            while let candidate = next.next() {
                if candidate == line { found = true; break }
            }
            #expect(found, "\(line) delivered in order and intact")
        }
    }

    @Test func dropsALineLargerThanTheWholeQueueAndKeepsTheRest() {
        let queue = ShipperQueue(capacity: 10, limitBytes: 64, batchRecords: 10)
        _ = Self.append(queue, "small")
        _ = Self.append(queue, String(repeating: "L", count: 200))
        #expect(Self.take(queue) == ["small"])
        #expect(queue.droppedTotal == 1)
    }

    @Test func signalsExactlyWhenAFullBatchIsWaiting() {
        let queue = ShipperQueue(capacity: 100, limitBytes: 1 << 16, batchRecords: 3)
        #expect(!Self.append(queue, "a") && !Self.append(queue, "b"))
        #expect(Self.append(queue, "c"))
        #expect(!Self.append(queue, "d"))
        #expect(queue.take(records: 2, bytes: .max).count == 2)
        #expect(queue.count == 2)
    }
}

@Suite("LogShipper's stream messages")
struct ShipperBatchEncoderTests {
    @Test func aMessageMovedToAnotherSpoolNamesItsNewNumberAndKeepsTheRest() {
        let message = Array(#"{"batch":17,"records":[{"a":"{\"batch\":17,"}]}"#.utf8)
        #expect(ShipperBatchEncoder.renumbered(message, as: 3).map { String(decoding: $0, as: UTF8.self) } == #"{"batch":3,"records":[{"a":"{\"batch\":17,"}]}"#)
        for broken in [#"{"batch":,"records":[]}"#, #"{"batch":12"#, #"{"batch":12]"#, #"[{"batch":1,"#, ""] {
            #expect(ShipperBatchEncoder.renumbered(Array(broken.utf8), as: 3) == nil, "\(broken)")
        }
    }

    @Test func aLineThatNamesItselfKeepsItsInstanceAndSeqAndTheOthersAreNumberedWithoutGaps() throws {
        var encoder = ShipperBatchEncoder(instance: "i-1")
        let message = encoder.encode(batch: 7, lines: [
            Array(#"{"message":"a"}"#.utf8),
            Array(#"{"instance":"tail-5eed","seq":55,"message":"b"}"#.utf8 + [0x0A]),
            Array(#"{"message":"c","instance":"late"}"#.utf8),
            Array("not json".utf8),
            Array("{}".utf8),
        ])
        #expect(String(decoding: message, as: UTF8.self) == #"""
            {"batch":7,"records":[{"instance":"i-1","seq":1,"message":"a"},{"instance":"tail-5eed","seq":55,"message":"b"},{"instance":"i-1","seq":2,"message":"c","instance":"late"},{"instance":"i-1","seq":3}]}
            """#)
        #expect(encoder.nextSequence == 4)
    }
}
