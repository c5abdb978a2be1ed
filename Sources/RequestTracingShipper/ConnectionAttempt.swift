import Synchronization

/// The outcome of one connection to the receiver, delivered once: by the connection when it ends, or by
/// its handshake deadline when it never gets going.
///
/// `WebSocketClient.connect` can wait forever: its client keeps a half-closed socket open, and NIO's
/// HTTP upgrade handler does not fail the upgrade when the server closes its side after reading the
/// upgrade request without answering (a receiver killed or restarted at that moment). Awaiting the
/// attempt's task would then never return, and `Task` cancellation does not reach the future it waits on,
/// so the shipper waits on this instead: the deadline resolves it, and the stuck attempt is cancelled
/// and left behind (one suspended task and one socket per such handshake) so that reconnecting goes on.
final class ConnectionAttempt<Value: Sendable>: Sendable {
    private struct State {
        var result: Value??
        var waiter: CheckedContinuation<Value?, Never>?
    }

    private let state = Mutex(State())

    /// Delivers `value` (nil: given up) unless something was delivered already.
    func resolve(_ value: Value?) {
        let waiter: CheckedContinuation<Value?, Never>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = .some(value)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }

    /// The first value delivered; nil when the attempt was given up (deadline or cancellation).
    func value() async -> Value? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let ready: Value?? = state.withLock { state in
                    if let result = state.result { return .some(result) }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            resolve(nil)
        }
    }
}
