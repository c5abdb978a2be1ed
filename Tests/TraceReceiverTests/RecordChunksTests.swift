import Testing

@testable import TraceReceiver

@Suite("RecordChunks: the hot buffer's records in chunks")
struct RecordChunksTests {
    static func record(_ number: Int) -> LogRecord {
        LogRecord(id: Int64(number), timestamp: 0, service: "s", message: "record number \(number) with a heap string")
    }

    @Test func agreesWithAnArrayThroughAppendsAndRemovalsFromTheFront() {
        var chunks = RecordChunks()
        var model: [Int] = []
        var next = 0
        var generator = SystemRandomNumberGenerator()
        for step in 0..<20_000 {
            // More appends than removals at first, then more removals, so the buffer fills and drains.
            let appendOdds = step < 10_000 ? 6 : 4
            if model.isEmpty || Int.random(in: 0..<10, using: &generator) < appendOdds {
                chunks.append(Self.record(next))
                model.append(next)
                next += 1
            } else {
                chunks.removeFirst()
                model.removeFirst()
            }
            #expect(chunks.count == model.count)
            if step % 997 == 0 || model.count < 3 {
                #expect((0..<model.count).allSatisfy { chunks[$0].id == Int64(model[$0]) }, "step \(step)")
            }
        }
        #expect((0..<model.count).allSatisfy { chunks[$0].message == "record number \(model[$0]) with a heap string" })
    }

    @Test func freesAChunkWithItsRecordsOnceAllOfThemAreRemoved() {
        var chunks = RecordChunks()
        let size = RecordChunks.chunkSize
        for number in 0..<(size + 1) { chunks.append(Self.record(number)) }
        // Two chunks: one full, one holding a single record (the allocator may round a chunk up).
        let unfilled = chunks.unfilledPlaces
        #expect(unfilled >= size - 1)
        for _ in 0..<(size - 1) {
            let freed = chunks.removeFirst()
            #expect(!freed, "held until the whole chunk is removed")
        }
        #expect(chunks.count == 2 && chunks.removedAtFront == size - 1 && chunks.unfilledPlaces == unfilled)
        let freedChunk = chunks.removeFirst()
        #expect(freedChunk, "the last record of the full chunk frees it")
        #expect(chunks.count == 1 && chunks.removedAtFront == 0 && chunks[0].id == Int64(size))
        #expect(chunks.unfilledPlaces == unfilled, "the freed chunk's places are gone, not unfilled")
        let freedAll = chunks.removeFirst()
        #expect(freedAll, "no record left: everything is freed")
        #expect(chunks.count == 0 && chunks.unfilledPlaces == 0)
        chunks.append(Self.record(1_000))
        #expect(chunks.count == 1 && chunks[0].id == 1_000)
    }

    @Test func visitsARangeInPlaceInEitherOrderAndStopsWhenAsked() {
        var chunks = RecordChunks()
        let size = RecordChunks.chunkSize
        for number in 0..<(4 * size + 5) { chunks.append(Self.record(number)) }
        for _ in 0..<(size + 6) { chunks.removeFirst() }  // a chunk freed, the next one partly removed
        let held = Array((size + 6)..<(4 * size + 5)).map(Int64.init)
        #expect(chunks.count == held.count)
        let ranges = [0..<held.count, 0..<1, 7..<7, 3..<(2 * size + 1), (size - 6)..<(size - 5), (held.count - 2)..<held.count]
        for range in ranges {
            var oldestFirst: [Int64] = []
            var newestFirst: [Int64] = []
            chunks.forEach(in: range) { record in
                oldestFirst.append(record.pointee.id)
                return true
            }
            chunks.forEach(in: range, newestFirst: true) { record in
                newestFirst.append(record.pointee.id)
                return true
            }
            #expect(oldestFirst == Array(held[range]), "\(range)")
            #expect(newestFirst == held[range].reversed(), "\(range)")
        }
        var visited: [Int64] = []
        chunks.forEach(in: 0..<held.count, newestFirst: true) { record in
            visited.append(record.pointee.id)
            return visited.count < 3
        }
        #expect(visited == Array(held.suffix(3).reversed()), "stops once the body returns false")
    }
}
