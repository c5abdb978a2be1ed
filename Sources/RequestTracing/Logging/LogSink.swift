/// Where a ``StructuredLogHandler`` puts its encoded lines.
///
/// A sink takes whole lines (newline included) and must never block the caller for long or trap:
/// implementations hand lines to a background writer and count what they have to drop.
public protocol LogSink: Sendable {
    /// Accepts one encoded line, ending in `\n`.
    func write(_ line: [UInt8])

    /// Accepts one encoded line, ending in `\n`, from memory that is valid only during the call.
    ///
    /// ``StructuredLogHandler`` encodes each line into a temporary buffer and hands it over with this
    /// method, so a sink that copies the bytes somewhere (as ``FileDescriptorLogSink`` does) saves an
    /// array allocation per line. The default implementation copies the bytes into an array and calls
    /// ``write(_:)``.
    func write(bytes line: UnsafeRawBufferPointer)

    /// Whether the sink writes to a terminal (used by ``LogFormat/automatic(for:)``).
    var isTerminal: Bool { get }
}

extension LogSink {
    public func write(bytes line: UnsafeRawBufferPointer) {
        write(Array(line))
    }

    public var isTerminal: Bool { false }
}
