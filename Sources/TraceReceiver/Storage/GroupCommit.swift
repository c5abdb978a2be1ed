import Synchronization

/// Writes batches that arrive while another is being written together, in one write (group commit).
///
/// Each call to ``submit(_:)`` returns once its batch is written, or throws the write's error. The first
/// caller finding no write under way writes its batch at once, with every batch then waiting (up to
/// ``maximumItems`` in all); batches that arrive meanwhile wait, and when that write ends the
/// longest-waiting caller writes them all. A lone batch is written without delay, and many small
/// concurrent ones (several services streaming at once) share one transaction instead of paying for one
/// each: in SQLite a commit writes every page it touched, so a batch of 50 records costs about twice as
/// much per record as one of 1,000.
///
/// A batch is never split: it is written whole, with others, or not at all. When a write fails, every
/// batch in it gets the error. Writes run in order of arrival, and one at a time.
final class GroupCommit<Item: Sendable>: Sendable {
    /// Most items one write takes, unless a single batch is larger (it is then written alone).
    let maximumItems: Int
    private let write: @Sendable ([[Item]]) async throws -> Void
    private let state = Mutex(State())

    private struct State {
        var waiting: [Waiter] = []
        var isWriting = false
    }

    private struct Waiter {
        var items: [Item]
        var turn: CheckedContinuation<Turn, Never>
    }

    /// What a waiting caller is resumed with.
    private enum Turn {
        /// Its batch was written (or the write failed with this error).
        case written((any Error)?)
        /// It writes next: its own batch and those waiting.
        case lead
    }

    /// Writes done so far (each one transaction in the store).
    private let writes = Atomic<Int>(0)

    /// Creates a coalescer whose writes call `write` with the batches of one group, in order of arrival.
    init(maximumItems: Int, write: @escaping @Sendable ([[Item]]) async throws -> Void) {
        self.maximumItems = maximumItems
        self.write = write
    }

    /// Writes done so far.
    var writeCount: Int { writes.load(ordering: .relaxed) }

    /// Batches waiting for a write.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Writes `items`, alone or with other batches, and returns once they are written.
    func submit(_ items: [Item]) async throws {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            state.withLock { state in
                if state.isWriting {
                    state.waiting.append(Waiter(items: items, turn: continuation))
                } else {
                    state.isWriting = true
                    continuation.resume(returning: .lead)
                }
            }
        }
        switch turn {
        case .written(nil): return
        case .written(let error?): throw error
        case .lead: try await lead(with: items)
        }
    }

    /// Writes `own` with the batches waiting now, wakes their callers, and hands the next write to the
    /// longest-waiting caller (or ends the run of writes).
    private func lead(with own: [Item]) async throws {
        let followers = state.withLock { state -> [Waiter] in
            var count = own.count
            var taken = 0
            while taken < state.waiting.count, count + state.waiting[taken].items.count <= maximumItems {
                count += state.waiting[taken].items.count
                taken += 1
            }
            defer { state.waiting.removeFirst(taken) }
            return Array(state.waiting.prefix(taken))
        }
        let groups = [own] + followers.map(\.items)
        var failure: (any Error)?
        do {
            // In a task of its own, so that cancelling this caller's task (which would interrupt the
            // write) cannot fail the other callers' batches.
            try await Task { [write] in try await write(groups) }.value
            writes.add(1, ordering: .relaxed)
        } catch {
            failure = error
        }
        for follower in followers { follower.turn.resume(returning: .written(failure)) }
        state.withLock { state in
            if state.waiting.isEmpty {
                state.isWriting = false
            } else {
                state.waiting.removeFirst().turn.resume(returning: .lead)
            }
        }
        if let failure { throw failure }
    }
}
