import Logging
import Synchronization

/// Whether the store's last write failed, so that a failing store is logged once when it starts failing
/// and once when it recovers (not once per batch, which on a full disk would fill it faster), and so
/// that `/health` reports it.
final class StoreWriteHealth: Sendable {
    private let lastFailure = Mutex<StoreWriteError?>(nil)
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// The failure of the last write, or `nil` when it succeeded (or none was made).
    var failure: StoreWriteError? { lastFailure.withLock { $0 } }

    func succeeded() {
        guard let recovered = lastFailure.withLock({ state in defer { state = nil }; return state }) else { return }
        logger.notice("the store accepts records again", metadata: ["store": "\(recovered.path)"])
    }

    func failed(_ error: StoreWriteError) {
        let isNew = lastFailure.withLock { state in
            defer { state = error }
            return state?.reason != error.reason
        }
        if isNew { logger.error("records cannot be stored; senders are told to retry", metadata: ["error": "\(error)"]) }
    }
}
