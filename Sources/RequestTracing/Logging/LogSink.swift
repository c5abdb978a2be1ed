/// Where a ``StructuredLogHandler`` puts its encoded lines.
///
/// A sink takes whole lines (newline included) and must never block the caller for long or trap:
/// implementations hand lines to a background writer and count what they have to drop.
public protocol LogSink: Sendable {
    /// Accepts one encoded line, ending in `\n`.
    func write(_ line: [UInt8])

    /// Whether the sink writes to a terminal (used by ``LogFormat/automatic(for:)``).
    var isTerminal: Bool { get }
}

extension LogSink {
    public var isTerminal: Bool { false }
}
