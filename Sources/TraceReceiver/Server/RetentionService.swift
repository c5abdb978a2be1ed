import Logging
import ServiceLifecycle

/// Applies the store's retention periodically until graceful shutdown.
struct RetentionService: Service {
    let store: any LogStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    let removed = try await store.enforceRetention(now: RecordTime.now())
                    if removed > 0 { logger.info("retention removed records", metadata: ["removed": "\(removed)"]) }
                } catch {
                    logger.error("retention failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
