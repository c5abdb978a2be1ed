import Foundation

/// The lines a ``FileTailer`` or an ``SSHTailer`` reads, as an asynchronous sequence.
///
/// Each iteration starts its own reader thread, which stops when the iteration ends: when the loop
/// breaks, the task is cancelled, or the iterator is dropped. The sequence throws a ``TailError`` when
/// following cannot go on; it does not end by itself otherwise.
///
/// ```swift
/// for try await line in FileTailer(path: "/var/log/app.log").lines() {
///     print(line.text)
/// }
/// ```
public struct TailLineSequence: AsyncSequence, Sendable {
    /// A line.
    public typealias Element = TailedLine
    /// ``TailError``, or another error from the system.
    public typealias Failure = any Error

    let bufferCapacity: Int
    let threadName: String
    let produce: @Sendable (TailLineChannel) -> Void

    init(bufferCapacity: Int, threadName: String, produce: @escaping @Sendable (TailLineChannel) -> Void) {
        self.bufferCapacity = bufferCapacity
        self.threadName = threadName
        self.produce = produce
    }

    /// Starts the reader thread and returns an iterator over its lines.
    public func makeAsyncIterator() -> Iterator {
        let channel = TailLineChannel(capacity: bufferCapacity)
        let produce = self.produce
        let thread = Thread { produce(channel) }
        thread.name = threadName
        thread.start()
        return Iterator(lifetime: IterationLifetime(channel: channel))
    }

    /// Iterates over the lines; dropping it stops the reader thread.
    public struct Iterator: AsyncIteratorProtocol, Sendable {
        let lifetime: IterationLifetime

        /// The next line, or `nil` once the iteration is cancelled.
        public mutating func next() async throws -> TailedLine? {
            try await lifetime.channel.next()
        }

        /// The next line, or `nil` once the iteration is cancelled.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(any Error) -> TailedLine? {
            try await lifetime.channel.next()
        }
    }
}

/// Cancels the channel when the last copy of an iterator goes away.
final class IterationLifetime: Sendable {
    let channel: TailLineChannel

    init(channel: TailLineChannel) {
        self.channel = channel
    }

    deinit {
        channel.cancel()
    }
}
