import Logging
import RequestTracing
import Synchronization

/// Turns the output lines of a program that was never changed into records and hands each, as one JSON
/// line with `source: capture`, to a sink (a log shipper).
///
/// Each input stream (a child's stdout and stderr, a tailed file) has its own ``MultilineJoiner``, so a
/// traceback on stderr is not interleaved with stdout lines. An event still open when its stream goes
/// quiet for ``idleFlushDelay`` (five times as long for one with continuation lines already, and
/// ``crashReportIdleFlushDelay`` for a Swift crash still being reported) is completed by ``flushIdle()``,
/// which the caller runs periodically.
///
/// Lines that a container runtime stored (Docker's `json-file`, the CRI format of Kubernetes nodes) are
/// taken out of their ``ContainerLogEnvelope`` first, and each container stream (stdout, stderr) gets a
/// joiner of its own.
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

    /// How many times ``idleFlushDelay`` an event that already has continuation lines (a stack trace
    /// being printed) waits: a program descheduled on a busy machine in the middle of a long trace would
    /// otherwise have it split in two.
    public static let joinedEventIdleFlushFactor = 5

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
        /// The container's stream, for lines a container runtime stored (``ContainerLogEnvelope``).
        var container: ContainerLogEnvelope.Stream?
        /// The prefix's name (`api-1`), or nil for lines without one.
        var process: String?
    }

    private struct Stream {
        var joiner = MultilineJoiner()
        var lastLine = ContinuousClock.now
        var prefix: ServicePrefix?
        /// What came with the first line of the pending event.
        var eventStart = LineContext()
    }

    /// What a line came with besides its text, which its event keeps from its first line.
    private struct LineContext {
        /// When a container runtime stored it; `nil` when the line came without a time.
        var time: Int64?
        /// Where it was read, when the reader names its lines (``TailedLine/origin``).
        var origin: CaptureOrigin?
    }

    /// A complete event and what is known of it besides its text.
    private struct Event {
        var text: String
        var prefix: ServicePrefix?
        /// What its first line came with.
        var start: LineContext
    }

    private struct State {
        var streams: [StreamKey: Stream] = [:]
        var parts = ContainerLineAssembler(maximumBytes: CaptureForwarder.maximumLineBytes)
        /// Input streams whose reader is handing over the lines of one read (``append(lines:stream:)``),
        /// with how many such reads are under way: they are not idle, however long since their last line.
        var reading: [Int: Int] = [:]
    }

    private let parser: CaptureParser
    private let sink: any LogSink
    /// How long a stream must be quiet before its open event is completed.
    public let idleFlushDelay: Duration
    /// Whether a line's `NAME | ` prefix names its service.
    public let readsServicePrefixes: Bool
    private let state = Mutex(State())
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

    /// Whether a stream's open event is a Swift fatal error or crash report still being written (see
    /// ``crashReportIdleFlushDelay``): its first line was read long ago, so a reader saving its position
    /// should not save one past that line until the event is complete.
    public var awaitsCrashReport: Bool {
        state.withLock { state in state.streams.values.contains { $0.joiner.awaitsCrashReport } }
    }

    /// Takes one line (without its newline) read from `stream` (any small integer naming the source).
    ///
    /// A line that a container runtime stored (Docker's `json-file`, the CRI format of containerd and
    /// CRI-O) is taken out of its envelope first: the program's line is parsed, at the runtime's time
    /// unless it has its own, and the parts of a long line that the runtime split are put back together.
    /// ANSI colour codes are removed before anything else reads the line.
    ///
    /// A line cut at a length limit passes the number of bytes left out as `skippedBytes`; the record then
    /// says so at the end of its text, so nobody takes the cut line for all there was.
    ///
    /// A line with an `origin` (a tailed file's ``TailedLine/origin``) makes its event's record carry it as
    /// `instance` and `seq` (an event of several lines, its first line's), which the log shipper keeps
    /// instead of adding its own: a line read twice (a tailer restarted from an older checkpoint) is then
    /// stored once by the receiver.
    public func append(line: [UInt8], stream: Int = 0, skippedBytes: Int = 0, origin: CaptureOrigin? = nil) {
        let events: [Event]
        if skippedBytes == 0, let envelope = line.withUnsafeBufferPointer({ ContainerLogEnvelope.parse($0) }) {
            guard let whole = state.withLock({ $0.parts.add(envelope, stream: stream, origin: origin) }) else { return }
            let prepared = prepare(whole.content, skippedBytes: whole.skippedBytes)
            let key = StreamKey(stream: stream, container: envelope.stream)
            let context = LineContext(time: whole.time, origin: whole.origin)
            events = state.withLock { Self.accept(prepared, key: key, context: context, into: &$0.streams) }
        } else {
            let prepared = prepare(line, skippedBytes: skippedBytes)
            let context = LineContext(origin: origin)
            events = state.withLock { Self.accept(prepared, key: StreamKey(stream: stream), context: context, into: &$0.streams) }
        }
        forward(events)
    }

    /// Hands the lines of one read of `stream` to their joiners, as ``append(line:stream:skippedBytes:origin:)``
    /// does each, and no idle flush completes an event between two of them: on a busy machine the reader
    /// can be descheduled between two lines for longer than the idle delay, and a trace's first line would
    /// then be completed alone, its frames printed in the same write becoming other records. The stream's
    /// quiet time starts when the last of them is handed over.
    public func append(lines: some Sequence<LineSplitter.Line>, stream: Int = 0) {
        state.withLock { $0.reading[stream, default: 0] += 1 }
        for line in lines { append(line: line.bytes, stream: stream, skippedBytes: line.skippedBytes) }
        state.withLock { state in
            state.reading[stream]! -= 1
            if state.reading[stream] == 0 { state.reading[stream] = nil }
            let now = ContinuousClock.now
            for key in state.streams.keys where key.stream == stream { state.streams[key]!.lastLine = now }
        }
    }

    /// A line made ready for its joiner, outside the lock.
    private struct PreparedLine {
        /// The line without colour codes.
        var plain: [UInt8]
        var prefix: ServicePrefix?
        /// What the joiner gets: the line after its prefix, and the note on bytes left out.
        var text: String
        var cutNote: String

        /// The text with the prefix kept, for a process beyond ``CaptureForwarder/maximumPrefixedProcesses``.
        var wholeText: String { String(decoding: plain, as: UTF8.self) + cutNote }
    }

    private func prepare(_ line: [UInt8], skippedBytes: Int) -> PreparedLine {
        // Colours go before anything reads the line: a joiner looking for `Traceback` or `*** Signal` at the
        // start of a line, or a service prefix, would not see them behind an escape sequence.
        let plain = line.withUnsafeBufferPointer { ANSIEscapes.contains($0) ? ANSIEscapes.strip($0) : line }
        let found = readsServicePrefixes ? plain.withUnsafeBufferPointer { ServicePrefix.parse($0) } : nil
        let cut = skippedBytes > 0 ? " [… \(skippedBytes) more bytes of this line not captured]" : ""
        let text = String(decoding: plain[(found?.contentStart ?? 0)...], as: UTF8.self) + cut
        return PreparedLine(plain: plain, prefix: found, text: text, cutNote: cut)
    }

    /// Hands one line to its stream's joiner (its process's, when prefixes are read); returns the events
    /// that completed.
    private static func accept(_ line: PreparedLine, key base: StreamKey, context: LineContext, into streams: inout [StreamKey: Stream]) -> [Event] {
        var key = base
        key.process = line.prefix?.name
        var prefix = line.prefix
        var text = line.text
        if key.process != nil, streams[key] == nil, streams.count >= maximumPrefixedProcesses {
            // Too many processes to tell apart: the line is read whole, prefix included.
            key.process = nil
            prefix = nil
            text = line.wholeText
        }
        // In place: a copy of the stream would copy its joiner's pending event on every line.
        return join(text, context: context, into: &streams[key, default: Stream(prefix: prefix)])
    }

    private static func join(_ text: String, context: LineContext, into stream: inout Stream) -> [Event] {
        stream.lastLine = .now
        // The line starts an event when none is pending, or when it completes the pending one.
        let hadPendingEvent = stream.joiner.hasPendingEvent
        let completed = stream.joiner.append(text)
        let events = completed.map { Event(text: $0, prefix: stream.prefix, start: stream.eventStart) }
        if !hadPendingEvent || !completed.isEmpty { stream.eventStart = context }
        return events
    }

    /// Completes the open event of every stream that has been quiet for ``idleFlushDelay``, and the line
    /// of a container whose last parts have not come in that time.
    public func flushIdle() {
        flushIdle(at: .now)
    }

    /// ``flushIdle()`` as if it were `now`.
    func flushIdle(at now: ContinuousClock.Instant) {
        let events: [Event] = state.withLock { state in
            var events = completeParts(idleSince: now - idleFlushDelay, in: &state)
            for key in state.streams.keys where state.reading[key.stream] == nil {
                let delay =
                    state.streams[key]!.joiner.awaitsCrashReport
                    ? max(idleFlushDelay, Self.crashReportIdleFlushDelay)
                    : state.streams[key]!.joiner.isJoiningLines ? idleFlushDelay * Self.joinedEventIdleFlushFactor : idleFlushDelay
                guard now - state.streams[key]!.lastLine >= delay else { continue }
                if let event = Self.flushEvent(of: key, in: &state.streams) { events.append(event) }
                // A quiet process's joiner is made again if it prints more.
                if key.process != nil { state.streams[key] = nil }
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
        let events: [Event] = state.withLock { state in
            let events = completeParts(idleSince: .now, in: &state)
            return events + state.streams.keys.compactMap { Self.flushEvent(of: $0, in: &state.streams) }
        }
        forward(events)
    }

    /// Hands the lines of containers whose parts stopped coming before `instant` to their joiners, as they
    /// are; returns the events that completed.
    private func completeParts(idleSince instant: ContinuousClock.Instant, in state: inout State) -> [Event] {
        state.parts.flush(idleSince: instant).flatMap { key, line in
            Self.accept(
                prepare(line.content, skippedBytes: line.skippedBytes),
                key: StreamKey(stream: key.stream, container: key.container),
                context: LineContext(time: line.time, origin: line.origin),
                into: &state.streams
            )
        }
    }

    /// Completes the pending event of one stream.
    private static func flushEvent(of key: StreamKey, in streams: inout [StreamKey: Stream]) -> Event? {
        // The small parts only: a copy of the whole stream would make the flush copy its pending event.
        guard streams[key] != nil else { return nil }
        let (prefix, start) = (streams[key]!.prefix, streams[key]!.eventStart)
        guard let text = streams[key]!.joiner.flush() else { return nil }
        return Event(text: text, prefix: prefix, start: start)
    }

    private func forward(_ events: [Event]) {
        guard !events.isEmpty else { return }
        let receivedAt = RecordTime.now()
        for event in events {
            var record = parser.parse(event.text, receivedAt: event.start.time ?? receivedAt, prefix: event.prefix)
            record.source = .capture
            record.instance = event.start.origin?.instance
            record.sequence = event.start.origin?.sequence
            var line = record.encodedLine(within: Self.maximumRecordBytes)
            line.append(UInt8(ascii: "\n"))
            line.withUnsafeBytes { sink.write(bytes: $0) }
        }
        forwarded.add(events.count, ordering: .relaxed)
    }
}
