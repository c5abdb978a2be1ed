import Foundation
import GRDB
import Synchronization
import Testing

@testable import TraceReceiver

@Suite("Group commit: appends made during a write share the next one")
struct GroupCommitTests {
    /// A write that records its batches and waits to be let through, one write at a time, and fails when
    /// told to.
    final class Writer: Sendable {
        private struct State {
            var writes: [[[Int]]] = []
            var released = 0
            var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
            var failing: Set<Int> = []
        }
        private let state = Mutex(State())

        struct Refused: Error, Equatable {}

        /// The batches of each write so far.
        var writes: [[[Int]]] { state.withLock { $0.writes } }

        /// Lets write `number` (counted from 1) finish, failing when `fails`.
        func release(_ number: Int, fails: Bool = false) {
            let waiter = state.withLock { state in
                if fails { state.failing.insert(number) }
                state.released = max(state.released, number)
                return state.waiting.removeValue(forKey: number)
            }
            waiter?.resume()
        }

        func write(_ batches: [[Int]]) async throws {
            let number = state.withLock { state in
                state.writes.append(batches)
                return state.writes.count
            }
            await withCheckedContinuation { continuation in
                let open = state.withLock { state in
                    if state.released >= number { return true }
                    state.waiting[number] = continuation
                    return false
                }
                if open { continuation.resume() }
            }
            // As GRDB does: a write whose task is cancelled is interrupted.
            try Task.checkCancellation()
            if state.withLock({ $0.failing.contains(number) }) { throw Refused() }
        }
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// A coalescer over a ``Writer``, and callers whose arrival the tests order.
    struct Scenario {
        let writer = Writer()
        let commit: GroupCommit<Int>

        init(maximumItems: Int = 100) {
            commit = GroupCommit(maximumItems: maximumItems) { [writer] in try await writer.write($0) }
        }

        /// Submits `batch` from a task of its own, once its write has begun (the `write`-th so far).
        func writing(_ batch: [Int], write: Int) async throws -> Task<Void, any Error> {
            let task = Task { try await commit.submit(batch) }
            try await GroupCommitTests.waitUntil { writer.writes.count == write }
            return task
        }

        /// Submits `batch` from a task of its own, once it waits behind a write.
        func waiting(_ batch: [Int]) async throws -> Task<Void, any Error> {
            let waiting = commit.waitingCount + 1
            let task = Task { try await commit.submit(batch) }
            try await GroupCommitTests.waitUntil { commit.waitingCount == waiting }
            return task
        }
    }

    @Test func aLoneBatchIsWrittenAtOnceAndBatchesArrivingDuringAWriteShareTheNextInArrivalOrder() async throws {
        let scenario = Scenario()
        let (writer, commit) = (scenario.writer, scenario.commit)
        writer.release(1)
        try await commit.submit([1])
        #expect(writer.writes == [[[1]]], "nothing was waiting: written alone, without delay")

        let first = try await scenario.writing([2, 2], write: 2)
        var later: [Task<Void, any Error>] = []
        for batch in [[3], [4, 4, 4], [5]] { later.append(try await scenario.waiting(batch)) }
        writer.release(2)
        try await first.value
        try await Self.waitUntil { writer.writes.count == 3 }
        #expect(commit.waitingCount == 0)
        writer.release(3)
        for task in later { try await task.value }
        #expect(writer.writes == [[[1]], [[2, 2]], [[3], [4, 4, 4], [5]]])
        #expect(commit.writeCount == 3)
    }

    @Test func aFailedWriteFailsEveryBatchInItAndNoOther() async throws {
        let scenario = Scenario()
        let (writer, commit) = (scenario.writer, scenario.commit)
        let first = try await scenario.writing([1], write: 1)
        let second = try await scenario.waiting([2])
        let third = try await scenario.waiting([3])
        writer.release(1)
        try await first.value
        try await Self.waitUntil { writer.writes.count == 2 }
        writer.release(2, fails: true)
        await #expect(throws: Writer.Refused.self) { try await second.value }
        await #expect(throws: Writer.Refused.self) { try await third.value }

        writer.release(3)
        try await commit.submit([4])
        #expect(writer.writes == [[[1]], [[2], [3]], [[4]]])
        #expect(commit.writeCount == 2, "the failed write is not counted")
    }

    @Test func aWriteTakesAtMostTheMaximumItemsAndALargerBatchIsWrittenAlone() async throws {
        let scenario = Scenario(maximumItems: 10)
        let writer = scenario.writer
        let first = try await scenario.writing(Array(repeating: 1, count: 3), write: 1)
        var later: [Task<Void, any Error>] = []
        for (number, size) in [(2, 4), (3, 4), (4, 12), (5, 1)] { later.append(try await scenario.waiting(Array(repeating: number, count: size))) }
        for number in 1...4 { writer.release(number) }
        try await first.value
        for task in later { try await task.value }
        #expect(writer.writes.map { $0.map(\.count) } == [[3], [4, 4], [12], [1]])
    }

    @Test func cancellingTheCallerThatWritesFailsNoBatchOfItsWrite() async throws {
        let scenario = Scenario()
        let writer = scenario.writer
        let first = try await scenario.writing([1], write: 1)
        let leader = try await scenario.waiting([2])
        let follower = try await scenario.waiting([3])
        writer.release(1)
        try await first.value
        // The second caller now writes both batches; its task is cancelled while it does.
        try await Self.waitUntil { writer.writes.count == 2 }
        leader.cancel()
        writer.release(2)
        try await leader.value
        try await follower.value
        #expect(writer.writes == [[[1]], [[2], [3]]])
    }

    @Test func concurrentAppendsToTheSQLiteStoreShareATransactionAndEachBatchStaysWholeAndInOrder() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteLogStore(directory: directory)
            // Another connection holds the write lock, so the first append waits in its transaction while
            // the others arrive.
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            let other = try DatabaseQueue(path: store.path, configuration: configuration)
            try await other.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }

            let batches = 64
            try await withThrowingTaskGroup(of: Void.self) { group in
                for batch in 0..<batches {
                    group.addTask {
                        try await store.append((0..<10).map { index in
                            LogRecord(timestamp: 1_800_000_000_000_000 + Int64(index), service: "batch-\(batch)", message: "record \(index)")
                        })
                    }
                }
                try await Self.waitUntil { store.appends.waitingCount == batches - 1 }
                try await other.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
                try await group.waitForAll()
            }

            #expect(store.appends.writeCount == 2, "the first batch alone, then the 63 that waited, together")
            let page = try await store.search(LogQuery(limit: 1000))
            #expect(page.totalCount == batches * 10)
            let byID = page.records.sorted { $0.id < $1.id }
            for batch in Dictionary(grouping: byID, by: \.service).values {
                let ids = batch.map(\.id)
                #expect(ids == Array(ids[0]...ids[0] + 9), "a batch's records are stored together")
                #expect(batch.map(\.message) == (0..<10).map { "record \($0)" }, "in their order")
            }
            try await store.close()
        }
    }
}
