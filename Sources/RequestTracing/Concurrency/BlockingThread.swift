#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs blocking work (waiting for a child process, reading a pipe to its end) on a thread of its own.
///
/// Never on the Swift concurrency pool, and never on Dispatch's global queues either: on Linux the
/// global executor runs tasks on those same few threads (one per core), so two or three blocked reads
/// there stall every task in the process, including the servers that would unblock them.
package enum BlockingThread {
    /// `body`'s result, computed on a new detached thread while the caller is suspended.
    package static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            start { continuation.resume(returning: body()) }
        }
    }

    /// Starts `body` on a new detached thread.
    package static func start(_ body: @escaping @Sendable () -> Void) {
        final class Work: Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t?
        #else
        var thread = pthread_t()
        #endif
        let created = pthread_create(&thread, nil, { argument in
            Unmanaged<Work>.fromOpaque(argument!).takeRetainedValue().body()
            return nil
        }, work)
        guard created == 0 else {
            // No thread to be had: do the work here rather than never.
            Unmanaged<Work>.fromOpaque(work).takeRetainedValue().body()
            return
        }
        #if canImport(Darwin)
        pthread_detach(thread!)
        #else
        pthread_detach(thread)
        #endif
    }
}
