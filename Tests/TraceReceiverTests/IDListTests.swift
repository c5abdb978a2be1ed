import Testing

@testable import TraceReceiver

@Suite("IDList: the hot buffer's per-id index")
struct IDListTests {
    @Test func removingTheOldestRepeatedlyKeepsTheRestInOrder() {
        var list = IDList()
        for id in 0..<1000 { list.append(Int64(id)) }
        for id in 0..<700 { list.remove(Int64(id)) }
        #expect(Array(list.ids) == (700..<1000).map(Int64.init))
        list.append(1000)
        #expect(list.ids.last == 1000)
        #expect(list.ids.count == 301)
    }

    @Test func removesAnIDFromTheMiddleAndEmptiesCompletely() {
        var list = IDList()
        for id in [5, 6, 7] as [Int64] { list.append(id) }
        list.remove(6)
        #expect(Array(list.ids) == [5, 7])
        list.remove(42)
        #expect(Array(list.ids) == [5, 7])
        list.remove(5)
        list.remove(7)
        #expect(list.isEmpty)
    }

    @Test func aLoneIDGrowsIntoAListAndEmptiesAgain() {
        var list = IDList()
        #expect(list.isEmpty)
        list.append(9)
        #expect(Array(list.ids) == [9])
        #expect(!list.isEmpty)
        list.remove(8)
        #expect(Array(list.ids) == [9])
        list.append(10)
        list.append(11)
        #expect(Array(list.ids) == [9, 10, 11])
        list.remove(9)
        list.remove(11)
        #expect(Array(list.ids) == [10])
        list.remove(10)
        #expect(list.isEmpty)
        list.append(12)
        #expect(Array(list.ids) == [12])
    }

    @Test func aLoneIDRemovedLeavesTheListEmpty() {
        var list = IDList()
        list.append(3)
        list.remove(3)
        #expect(list.isEmpty)
        #expect(list.ids.isEmpty)
    }
}
