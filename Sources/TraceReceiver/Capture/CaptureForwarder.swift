import Logging
import RequestTracing
import Synchronization

/// Turns the output lines of a program that was never changed into records and hands each, as one JSON
/// line with `source: capture`, to a sink (a log shipper).
///
/// Each input stream (a child's stdout and stderr, a tailed file) has its own ``MultilineJoiner``, so a
/// traceback on stderr is not interleaved with stdout lines. An event still open when its stream goes
/// quiet for ``idleFlushDelay`` (``crashReportIdleFlushDelay`` for a Swift crash still being reported) is
/// completed by ``flushIdle()``, which the caller runs periodically.
///
/// A forwarder that reads service prefixes (for `docker compose up`, foreman, honcho, overmind) takes
/// each line's `NAME | ` as the service it came from: the prefix is removed before the line is parsed,
/// and each process named gets a joiner of its own, so interleaved tracebacks of two containers are not
/// mixed. At most ``maximumPrefixedProcesses`` processes are told apart at once; lines of any more are
/// read whole, as if they had no prefix.
public final class CaptureForwarder: Sendable {
    /// Default quiet time after which an open multi-line event is complete.
    public static let defaultIdleFlushDelay = Duration.milliseconds(100)
    /// Quiet time after which a Swift fatal error or crash report still being written is complete: the
    /// runtime's backtracer pauses while it walks and symbolicates the stack (4.8 s seen under load).
    public static let crashReportIdleFlushDelay = Duration.seconds(10)

    /// Longest line captured whole: longer lines are cut (and say how many bytes were left out), leaving
    /// room under the receiver's default 64 KiB record limit for the record's other fields and JSON
    /// escaping, so a long line is stored cut rather than refused whole.
    public static let maximumLineBytes = 48 * 1024

    /// Largest record sent, in bytes of JSON: the receiver's default record limit, less room for the
    /// `instance` and `seq` a log shipper adds to each record. A longer record (a long stack trace joined
    /// into one event, its newlines and tabs escaped) has its longest text cut to fit, saying how many
    /// bytes were left out, rather than being refused whole by the receiver.
    public static let maximumRecordBytes = 64 * 1024 - 128

    /// Processes told apart by their service prefix at once (a program that prints endless distinct
    /// prefixes cannot grow the forwarder's memory without bound).
    public static let maximumPrefixedProcesses = 256

    /// One input stream, or one process's lines in it when prefixes are read.
    private struct StreamKey: Hashable {
        var stream: Int
        /// The prefix's name (`api-1`), or nil for lines without one.
        var process: String?
    }

    private struct Stream {
        var joiner = MultilineJoiner()
        var lastLine = ContinuousClock.now
        var prefix: ServicePrefix?
    }

    private let parser: CaptureParser
    private let sink: any LogSink
    /// How long a stream must be quiet before its open event is completed.
    public let idleFlushDelay: Duration
    /// Whether a line's `NAME | ` prefix names its service.
    public let readsServicePrefixes: Bool
    private let streams = Mutex<[StreamKey: Stream]>([:])
    private let forwarded = Atomic<Int>(0)

    /// Creates a forwarder.
    ///
    /// - Parameters:
    ///   - parser: Turns one event into a record.
    ///   - sink: Where each record goes, as one JSON line.
    ///   - idleFlushDelay: Quiet time that completes an open multi-line event.
    ///   - readsServicePrefixes: Whether a line's `NAME | ` prefix (docker compose, foreman, honcho,
    ///     overmind) names the service it came from, instead of the parser's service.
    public init(
        parser: CaptureParser,
        sink: any LogSink,
        idleFlushDelay: Duration = CaptureForwarder.defaultIdleFlushDelay,
        readsServicePrefixes: Bool = false
    ) {
        self.parser = parser
        self.sink = sink
        self.idleFlushDelay = idleFlushDelay
        self.readsServicePrefixes = readsServicePrefixes
    }

    /// Records handed to the sink so far.
    public var forwardedCount: Int { forwarded.load(ordering: .relaxed) }

    /// Takes one line (without its newline) read from `stream` (any small integer naming the source). ANSI
    /// colour codes are removed first.
    ///
    /// A line cut at a length limit passes the number of bytes left out as `skippedBytes`; the record then
    /// says so at the end of its text, so nobody takes the cut line for all there was.
    public func append(line: [UInt8], stream: Int = 0, skippedBytes: Int = 0) {
        // Colours go before anything reads the line: a joiner looking for `Traceback` or `*** Signal` at the
        // start of a line, or a service prefix, would not see them behind an escape sequence.
        let plain = line.withUnsafeBufferPointer { ANSIEscapes.contains($0) ? ANSIEscapes.strip($0) : line }
        let found = readsServicePrefixes ? plain.withUnsafeBufferPointer { ServicePrefix.parse($0) } : nil
        let cut = skippedBytes > 0 ? " [… \(skippedBytes) more bytes of this line not captured]" : ""
        let text = String(decoding: plain[(found?.contentStart ?? 0)...], as: UTF8.self) + cut
        let events = streams.withLock { streams in
            var key = StreamKey(stream: stream, process: found?.name)
            var prefix = found
            var text = text
            if key.process != nil, streams[key] == nil, streams.count >= Self.maximumPrefixedProcesses {
                // Too many processes to tell apart: the line is read whole, prefix included.
                key.process = nil
                prefix = nil
                text = String(decoding: plain, as: UTF8.self) + cut
            }
            streams[key, default: Stream(prefix: prefix)].lastLine = .now
            return streams[key]!.joiner.append(text).map { ($0, prefix) }
        }
        forward(events)
    }

    /// Completes the open event of every stream that has been quiet for ``idleFlushDelay``.
    public func flushIdle() {
        let now = ContinuousClock.now
        let events: [(String, ServicePrefix?)] = streams.withLock { streams in
            var events: [(String, ServicePrefix?)] = []
            for key in streams.keys {
                let delay = streams[key]!.joiner.awaitsCrashReport ? max(idleFlushDelay, Self.crashReportIdleFlushDelay) : idleFlushDelay
                guard now - streams[key]!.lastLine >= delay else { continue }
                if let event = streams[key]!.joiner.flush() { events.append((event, streams[key]!.prefix)) }
                // A quiet process's joiner is made again if it prints more.
                if key.process != nil { streams[key] = nil }
            }
            return events
        }
        forward(events)
    }

    /// Calls ``flushIdle()`` twice per ``idleFlushDelay`` until the task is cancelled.
    public func flushIdleEventsUntilCancelled() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: idleFlushDelay / 2)
            flushIdle()
        }
    }

    /// Completes every open event (end of input).
    public func finish() {
        let events: [(String, ServicePrefix?)] = streams.withLock { streams in
            streams.keys.compactMap { key in streams[key]!.joiner.flush().map { ($0, streams[key]!.prefix) } }
        }
        forward(events)
    }

    private func forward(_ events: [(event: String, prefix: ServicePrefix?)]) {
        guard !events.isEmpty else { return }
        let receivedAt = RecordTime.now()
        for (event, prefix) in events {
            var record = parser.parse(event, receivedAt: receivedAt, prefix: prefix)
            record.source = .capture
            var line = record.encodedLine(within: Self.maximumRecordBytes)
            line.append(UInt8(ascii: "\n"))
            line.withUnsafeBytes { sink.write(bytes: $0) }
        }
        forwarded.add(events.count, ordering: .relaxed)
    }
}
