#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (`flock`) on a file, taken without waiting, that marks a folder as one
/// live process's: the lock lasts until its descriptor is closed, and the kernel drops it when the
/// process ends, however it ends, so a crashed owner never leaves a stale lock behind.
package enum FileLock {
    /// What ``acquire(_:create:)`` found.
    package enum Outcome: Sendable, Equatable {
        /// The lock is ours, held by this descriptor (close-on-exec); closing it releases the lock.
        case acquired(Int32)
        /// Another open file, usually another process, holds the lock.
        case held
        /// The file could not be opened or locked, with the `errno`.
        case failed(Int32)
    }

    /// Opens `path` (creating it, mode 0644, when `create`) and takes its lock if no one holds it.
    package static func acquire(_ path: String, create: Bool = true) -> Outcome {
        let descriptor = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0o644)
        guard descriptor >= 0 else { return .failed(errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            return code == EWOULDBLOCK ? .held : .failed(code)
        }
        return .acquired(descriptor)
    }

    /// Releases a lock ``acquire(_:create:)`` took, closing its descriptor.
    package static func release(_ descriptor: Int32) {
        close(descriptor)
    }
}
