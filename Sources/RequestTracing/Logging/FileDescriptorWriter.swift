#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Darwin)
private let systemWrite = Darwin.write
#elseif canImport(Musl)
private let systemWrite = Musl.write
#else
private let systemWrite = Glibc.write
#endif

/// Writes whole buffers to a file descriptor: retries short writes and `EINTR`, and waits (with `poll`)
/// when a non-blocking descriptor is full. Blocking: call it from a thread of your own, never an event loop.
package enum FileDescriptorWriter {
    /// Writes all of `bytes` to `fileDescriptor`. Returns `nil` on success, or the `errno` that stopped
    /// it (`EPIPE`, `EBADF`, `ENOSPC`…), after which the rest of the bytes are not written.
    @discardableResult
    package static func writeAll(_ bytes: UnsafeRawBufferPointer, to fileDescriptor: Int32) -> Int32? {
        writeAll(bytes, to: fileDescriptor) { start, count, _ in systemWrite(fileDescriptor, start, count) }
    }

    /// Writes all of `bytes` to `fileDescriptor` from byte `offset` of the file on (`pwrite`, which leaves
    /// the descriptor's own position alone). Returns `nil` on success, or the `errno` that stopped it.
    @discardableResult
    package static func writeAll(_ bytes: UnsafeRawBufferPointer, to fileDescriptor: Int32, at offset: Int) -> Int32? {
        writeAll(bytes, to: fileDescriptor) { start, count, done in pwrite(fileDescriptor, start, count, off_t(offset + done)) }
    }

    /// The loop both forms share: `write(start, count, done)` writes from `start` (`done` bytes in).
    private static func writeAll(
        _ bytes: UnsafeRawBufferPointer,
        to fileDescriptor: Int32,
        using write: (UnsafeRawPointer, Int, Int) -> Int
    ) -> Int32? {
        var done = 0
        while done < bytes.count {
            let written = write(bytes.baseAddress! + done, bytes.count - done, done)
            if written > 0 {
                done += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, 100)
            } else {
                return written < 0 ? errno : EIO
            }
        }
        return nil
    }

    /// Writes all of `bytes` to `fileDescriptor`, as the buffer-pointer form does.
    @discardableResult
    package static func writeAll(_ bytes: [UInt8], to fileDescriptor: Int32) -> Int32? {
        bytes.withUnsafeBytes { writeAll($0, to: fileDescriptor) }
    }
}
