import Testing

@testable import TraceReceiver

@Suite("IDIndex: the hot buffer's index by request id and trace id")
struct IDIndexTests {
    @Test func idsUnderOneKeyComeBackOldestFirstAcrossSegments() {
        var index = IDIndex(segmentSpan: 4)
        let trace = IDIndex.key("trace-a")
        let other = IDIndex.key("trace-b")
        for id in Int64(1)...20 { index.append(id, key: id % 3 == 0 ? other : trace) }
        #expect(index.segmentCount == 5)
        #expect(index.ids(for: "trace-a", from: 1) == (Int64(1)...20).filter { $0 % 3 != 0 })
        #expect(index.ids(for: "trace-b", from: 1) == [3, 6, 9, 12, 15, 18])
        #expect(index.ids(for: "trace-c", from: 1).isEmpty)
    }

    @Test func idsBeforeTheOldestHeldRecordAreLeftOutEvenInsideASegment() {
        var index = IDIndex(segmentSpan: 4)
        for id in Int64(1)...10 { index.append(id, key: IDIndex.key("request")) }
        #expect(index.ids(for: "request", from: 3) == Array(3...10))
        #expect(index.ids(for: "request", from: 11).isEmpty)
    }

    @Test func forgettingDropsOnlySegmentsWhoseRecordsAreAllGone() {
        var index = IDIndex(segmentSpan: 4)
        for id in Int64(1)...12 { index.append(id, key: IDIndex.key("id-\(id)")) }
        #expect(index.segmentCount == 3)
        index.forget(before: 4)  // record 4 is still held, so its segment (1...4) stays
        #expect(index.segmentCount == 3)
        index.forget(before: 5)
        #expect(index.segmentCount == 2)
        #expect(index.ids(for: "id-4", from: 5).isEmpty)
        #expect(index.ids(for: "id-5", from: 5) == [5])
        index.forget(before: 13)
        #expect(index.segmentCount == 0)
        index.append(13, key: IDIndex.key("id-13"))
        #expect(index.ids(for: "id-13", from: 13) == [13])
    }

    @Test func manyForgottenSegmentsAreCompactedAndLookupsStayCorrect() {
        var index = IDIndex(segmentSpan: 2)
        let key = IDIndex.key("busy-trace")
        for id in Int64(1)...1000 {
            index.append(id, key: key)
            index.forget(before: max(1, id - 9))  // a buffer holding the newest 10 records
        }
        #expect(index.segmentCount <= 6)
        #expect(index.ids(for: "busy-trace", from: 991) == Array(991...1000))
    }

    @Test func aLoneIDGrowsIntoAList() {
        var list = IDList()
        #expect(list.ids.isEmpty)
        list.append(9)
        #expect(Array(list.ids) == [9])
        list.append(10)
        list.append(11)
        #expect(Array(list.ids) == [9, 10, 11])
    }
}
