/// A ``LogSink`` that hands every line to several sinks, in order.
///
/// Use it to write the same bytes to standard output and to a log shipper, so both copies of a record
/// carry the same timestamp and content (the receiver recognises a captured copy of a streamed record
/// by its content):
///
/// ```swift
/// let sink = MultiplexLogSink([FileDescriptorLogSink.standardOutput, shipper])
/// LoggingSystem.bootstrap { StructuredLogHandler(label: $0, service: "api", sink: sink) }
/// ```
public struct MultiplexLogSink: LogSink {
    /// The sinks every line goes to.
    public let sinks: [any LogSink]

    /// Creates a sink writing to each of `sinks`.
    public init(_ sinks: [any LogSink]) {
        self.sinks = sinks
    }

    public func write(_ line: [UInt8]) {
        for sink in sinks { sink.write(line) }
    }

    public func write(bytes line: UnsafeRawBufferPointer) {
        for sink in sinks { sink.write(bytes: line) }
    }

    /// `true` only when every sink writes to a terminal, so ``LogFormat/automatic(for:)`` picks JSON as
    /// soon as one copy goes to a file, a pipe or a shipper.
    public var isTerminal: Bool {
        !sinks.isEmpty && sinks.allSatisfy(\.isTerminal)
    }
}
