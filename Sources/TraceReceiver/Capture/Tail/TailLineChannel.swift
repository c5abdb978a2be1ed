import Foundation
import NIOCore

/// A bounded hand-off of lines from one producer thread, which may block, to one async consumer.
///
/// The producer is a tailer's own thread (see ``FileTailer`` for why it has one): ``send(_:)`` blocks
/// it while ``capacity`` lines wait unread, so a slow consumer slows the reading instead of growing a
/// buffer, and ``sleep(for:)`` is its poll wait, which ``cancel()`` cuts short. The consumer never
/// blocks a thread: ``next()`` suspends on a continuation.
///
/// `@unchecked Sendable`: every mutable stored property is read and written only while `condition`
/// (an `NSCondition`, which is a mutex) is locked; the continuations and the hook are taken out under
/// the lock and resumed or called after it is released.
final class TailLineChannel: @unchecked Sendable {
    private enum Completion {
        case open
        case finished
        case failed(any Error)
    }

    let capacity: Int
    private let condition = NSCondition()
    private var buffer = CircularBuffer<TailedLine>()
    private var waiter: CheckedContinuation<TailedLine?, any Error>?
    private var completion = Completion.open
    private var cancelled = false
    private var cancelHook: (@Sendable () -> Void)?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    // MARK: Producer side (the tailer's thread)

    /// Hands a line to the consumer, waiting while the buffer is full. `false` once the consumer has
    /// gone (the line is dropped and the producer should stop).
    func send(_ line: TailedLine) -> Bool {
        condition.lock()
        while !cancelled && waiter == nil && buffer.count >= capacity {
            condition.wait()
        }
        if cancelled {
            condition.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: line)
        } else {
            buffer.append(line)
            condition.unlock()
        }
        return true
    }

    /// Ends the sequence after the buffered lines, with an error if one is given.
    func finish(throwing error: (any Error)? = nil) {
        condition.lock()
        guard case .open = completion else { return condition.unlock() }
        completion = error.map { .failed($0) } ?? .finished
        let waiter = buffer.isEmpty ? self.waiter : nil
        if waiter != nil { self.waiter = nil }
        let delivered = waiter != nil ? takeCompletion() : nil
        condition.unlock()
        if let waiter { waiter.resume(with: delivered ?? .success(nil)) }
    }

    /// Whether the consumer has gone.
    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// Waits `duration` or until the consumer goes; `false` when it has gone.
    func sleep(for duration: Duration) -> Bool {
        let deadline = Date(timeIntervalSinceNow: duration.timeInterval)
        condition.lock()
        defer { condition.unlock() }
        while !cancelled {
            if !condition.wait(until: deadline) { break }
        }
        return !cancelled
    }

    /// Sets what to do when the consumer goes (such as killing a child process the producer is blocked
    /// reading from). Runs it at once if the consumer has already gone.
    func setCancelHook(_ hook: (@Sendable () -> Void)?) {
        condition.lock()
        if cancelled {
            condition.unlock()
            hook?()
            return
        }
        cancelHook = hook
        condition.unlock()
    }

    // MARK: Consumer side

    /// The next line; `nil` at the end or once cancelled; throws the producer's error once.
    func next() async throws -> TailedLine? {
        // Fast path: a line is waiting, so no continuation (an allocation and a task switch) is needed.
        if let line = popBuffered() { return line }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<TailedLine?, any Error>) in
                condition.lock()
                if let line = buffer.popFirst() {
                    condition.signal()
                    condition.unlock()
                    continuation.resume(returning: line)
                } else if cancelled {
                    condition.unlock()
                    continuation.resume(returning: nil)
                } else if case .open = completion {
                    waiter = continuation
                    // Wakes a producer that waits for room: the waiter takes the next line directly.
                    condition.signal()
                    condition.unlock()
                } else {
                    let result = takeCompletion()
                    condition.unlock()
                    continuation.resume(with: result)
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// A buffered line, if there is one (waking a producer that waits for room).
    private func popBuffered() -> TailedLine? {
        condition.lock()
        defer { condition.unlock() }
        guard let line = buffer.popFirst() else { return nil }
        condition.signal()
        return line
    }

    /// The consumer has gone: wakes and stops the producer and runs the cancel hook.
    func cancel() {
        condition.lock()
        if cancelled { return condition.unlock() }
        cancelled = true
        buffer.removeAll()
        let waiter = self.waiter
        self.waiter = nil
        let hook = cancelHook
        cancelHook = nil
        condition.broadcast()
        condition.unlock()
        waiter?.resume(returning: nil)
        hook?()
    }

    /// The outcome to hand the consumer at the end; an error is handed over once. Call locked.
    private func takeCompletion() -> Result<TailedLine?, any Error> {
        if case .failed(let error) = completion {
            completion = .finished
            return .failure(error)
        }
        return .success(nil)
    }
}

extension Duration {
    /// The duration in seconds, as Foundation's time intervals count.
    var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
