import Foundation
import RequestTracing

#if canImport(Glibc)
import Glibc
#endif

/// Writes a script (or any executable) for a test to run, through a close-on-exec descriptor: a child that
/// another test spawns meanwhile would otherwise inherit the descriptor open for writing, and executing
/// the file would then fail with `ETXTBSY` (seen as `run` exiting 126 under the whole suite).
public func writeExecutable(_ contents: String, to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
    guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    defer { close(descriptor) }
    if let error = FileDescriptorWriter.writeAll(Array(contents.utf8), to: descriptor) {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: error) ?? .EIO)])
    }
    // `open` applies the umask to the mode.
    fchmod(descriptor, 0o755)
}
