import Synchronization

/// A ``LogSink`` that keeps every line in memory, for tests that assert on what was logged.
///
/// ```swift
/// let sink = InMemoryLogSink()
/// let logger = Logger(label: "test") { StructuredLogHandler(label: $0, service: "test", sink: sink) }
/// logger.info("hello")
/// #expect(sink.lines.count == 1)
/// ```
public final class InMemoryLogSink: LogSink {
    private let storage = Mutex<[String]>([])

    /// Creates an empty sink.
    public init() {}

    public func write(_ line: [UInt8]) {
        var text = String(decoding: line, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        storage.withLock { $0.append(text) }
    }

    /// Every line written so far, without the trailing newline, oldest first.
    public var lines: [String] {
        storage.withLock { $0 }
    }

    /// Removes every line.
    public func removeAll() {
        storage.withLock { $0.removeAll() }
    }
}
