import Synchronization

/// Tells live viewers (`GET /api/live`, the web page) that records were stored.
///
/// Each subscriber sees the running total of records stored since start. Its stream buffers only the
/// newest total, so a slow viewer costs one pending value, never a growing queue: totals it had no
/// time to see are folded into the next one (it refetches what it shows anyway). Subscribers are
/// capped at ``maximumSubscribers``.
final class StoredRecordsFeed: Sendable {
    /// One viewer's subscription: its id (for ``unsubscribe(_:)`` and ``repeatTotal(to:)``) and its
    /// stream of totals, starting with the current one.
    struct Subscription: Sendable {
        let id: Int
        let totals: AsyncStream<Int>
    }

    private struct State {
        var total = 0
        var nextID = 0
        var subscribers: [Int: AsyncStream<Int>.Continuation] = [:]
        var finished = false
    }

    /// Most viewers at once.
    let maximumSubscribers: Int
    private let state = Mutex(State())

    init(maximumSubscribers: Int) {
        self.maximumSubscribers = maximumSubscribers
    }

    /// Adds `count` stored records to the total and wakes every viewer.
    func publish(_ count: Int) {
        guard count > 0 else { return }
        state.withLock { state in
            state.total += count
            for continuation in state.subscribers.values { continuation.yield(state.total) }
        }
    }

    /// A new subscription, or `nil` when ``maximumSubscribers`` are already watching (or the feed has
    /// finished).
    func subscribe() -> Subscription? {
        let (totals, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let id: Int? = state.withLock { state in
            guard !state.finished, state.subscribers.count < maximumSubscribers else { return nil }
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            continuation.yield(state.total)
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return nil
        }
        return Subscription(id: id, totals: totals)
    }

    /// Ends subscription `id`'s stream and forgets it.
    func unsubscribe(_ id: Int) {
        state.withLock { $0.subscribers.removeValue(forKey: id) }?.finish()
    }

    /// Sends subscription `id` the current total again (a keep-alive tick for a viewer that has seen
    /// it).
    func repeatTotal(to id: Int) {
        state.withLock { state in _ = state.subscribers[id]?.yield(state.total) }
    }

    /// Ends every stream and refuses new ones (the receiver is shutting down).
    func finish() {
        let continuations = state.withLock { state in
            state.finished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for continuation in continuations { continuation.finish() }
    }

    /// Viewers watching now.
    var subscriberCount: Int { state.withLock { $0.subscribers.count } }
}
