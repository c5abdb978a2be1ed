import Logging

/// Joins the continuation lines of a multi-line event (a stack trace, a traceback) to the line they
/// belong to, so each event is parsed as one record.
///
/// A line continues the current event when it starts with a space or tab (Python's `  File …`, Java's
/// `\tat …` and `\t... 12 more`, Node's `    at …`), or when it is:
/// - `Caused by: …` (Java);
/// - `Traceback (most recent call last):` right after a line that reads as an error (Python's
///   `logger.exception`), the traceback's final unindented `XError: message` line, and the chained
///   tracebacks' `During handling of the above exception…` / `The above exception was…` lines (with
///   the blank lines around them);
/// - an exception class line (`java.lang.IllegalStateException: …`, `TypeError: …`) right after a line
///   that reads as an error (logback and log4j print it below the message, NestJS the error's stack);
/// - `Current stack trace:` / `Stack dump:` and the numbered frames after it (`0  libswiftCore.so …`,
///   `#0 0x… in …`) of a Swift crash;
/// - the Swift runtime's crash report, from `*** Signal 4: Backtracing from 0x…` (or `*** Program crashed:`)
///   to `Backtrace took 0.01s`, blank lines included, joined to the `Fatal error:` line before it if any;
/// - the `DETAIL:`, `HINT:`, `STATEMENT:`, `CONTEXT:`, `QUERY:` and `LOCATION:` lines of the same
///   PostgreSQL process after one of its lines (see ``PostgresLine``);
/// - the `goroutine N [running]:` block of a Go panic, blank lines included, or of a panic that net/http
///   recovered and logged (`http: panic serving 127.0.0.1:5000: …`);
/// - the backtrace frames (`app/models/order.rb:3:in 'find'`) below a Ruby exception's header
///   (`ActiveRecord::RecordNotFound (…):`, as Rails' development log prints it), blank lines included.
///
/// A line that does not continue completes the pending event, which ``append(_:)`` returns. Because a
/// single line cannot know whether more will follow, the last event stays pending until the next line
/// arrives; call ``flush()`` when input goes idle (about 100 ms) or ends. Blank lines outside a
/// traceback or panic end the pending event and are dropped. An event stops growing at
/// ``maximumEventBytes`` or ``maximumEventLines``: the line that would exceed it starts a new event.
///
/// ```swift
/// var joiner = MultilineJoiner()
/// for line in lines {
///     for event in joiner.append(line) { store(parser.parse(event, receivedAt: now)) }
/// }
/// if let last = joiner.flush() { store(parser.parse(last, receivedAt: now)) }
/// ```
public struct MultilineJoiner: Sendable {
    /// Default largest event, in UTF-8 bytes (64 KiB).
    public static let defaultMaximumEventBytes = 64 * 1024
    /// Default largest event, in lines.
    public static let defaultMaximumEventLines = 500

    /// Largest event in UTF-8 bytes; a line that would make it larger starts a new event.
    public let maximumEventBytes: Int
    /// Largest event in lines; a line that would make it longer starts a new event.
    public let maximumEventLines: Int

    private enum State {
        /// Nothing special: only indented lines and `Caused by:` continue.
        case plain
        /// After a PostgreSQL line: its process's `DETAIL:`, `HINT:`, `STATEMENT:`… lines continue it.
        case postgres
        /// Inside a Python traceback, before its exception line.
        case pythonTraceback
        /// After a Python traceback's exception line: a chained traceback may follow.
        case pythonException
        /// After a Swift crash's `Current stack trace:` / `Stack dump:`.
        case swiftStack
        /// After a Go `panic:` line.
        case goPanic
        /// After a Swift `Fatal error:` line: the runtime's crash report may follow after a blank line.
        case swiftFatal
        /// Inside the Swift runtime's crash report (`*** Signal 4: Backtracing from …` to `Backtrace took …`).
        case swiftCrash
        /// After a Ruby exception's header: its backtrace's frames follow, blank lines between.
        case rubyException
    }

    private var pending: [UInt8] = []
    private var pendingLines = 0
    private var state = State.plain
    /// The process id of a pending PostgreSQL line.
    private var postgresPID: [UInt8] = []
    /// Whether the event's first line reads as an error (so an exception block may follow it).
    private var headIsError = false

    /// Creates a joiner with the given bounds.
    public init(maximumEventBytes: Int = defaultMaximumEventBytes, maximumEventLines: Int = defaultMaximumEventLines) {
        self.maximumEventBytes = max(1, maximumEventBytes)
        self.maximumEventLines = max(1, maximumEventLines)
    }

    /// Adds one line (without its line feed; a trailing CR is removed) and returns the events it completed,
    /// oldest first: none, or the previous event when this line starts a new one.
    public mutating func append(_ line: String) -> [String] {
        var line = line
        if line.utf8.last == 0x0D { line.removeLast() }
        return line.withUTF8 { bytes in append(bytes) }
    }

    /// Whether the pending event is a Swift fatal error or crash report whose rest may come only after the
    /// runtime has walked and symbolicated the stack (seconds on a busy machine): an idle flush should
    /// wait longer before completing it.
    public var awaitsCrashReport: Bool { state == .swiftFatal || state == .swiftCrash }

    /// Whether an event is pending: the next line either continues it or completes it.
    public var hasPendingEvent: Bool { pendingLines > 0 }

    /// Whether the pending event has continuation lines already (a stack trace being written), so that
    /// more are likely to follow.
    public var isJoiningLines: Bool { pendingLines > 1 }

    /// Returns the pending event, if any, and starts afresh.
    public mutating func flush() -> String? {
        guard pendingLines > 0 else { return nil }
        var end = pending.count
        while end > 0, pending[end - 1] == 0x0A { end -= 1 }  // blank lines kept tentatively at the end
        let event = String(decoding: pending[0..<end], as: UTF8.self)
        pending.removeAll(keepingCapacity: true)
        pendingLines = 0
        state = .plain
        headIsError = false
        return event
    }

    private mutating func append(_ line: UnsafeBufferPointer<UInt8>) -> [String] {
        let isBlank = CaptureBytes.trimmed(line, 0..<line.count).isEmpty
        guard pendingLines > 0 else {
            if !isBlank { start(line) }
            return []
        }
        let fits = pending.count + 1 + line.count <= maximumEventBytes && pendingLines < maximumEventLines
        if fits, continues(line, isBlank: isBlank) {
            pending.append(0x0A)
            pending.append(contentsOf: line)
            pendingLines += 1
            return []
        }
        let completed = flush()
        if !isBlank { start(line) }
        return completed.map { [$0] } ?? []
    }

    private mutating func start(_ line: UnsafeBufferPointer<UInt8>) {
        pending.append(contentsOf: line)
        pendingLines = 1
        if CaptureBytes.hasPrefix(line, at: 0, Self.traceback) {
            state = .pythonTraceback
        } else if CaptureBytes.hasPrefix(line, at: 0, "panic: ") || LevelInference.isRecoveredGoPanic(line, 0..<line.count) {
            state = .goPanic
        } else if LevelInference.isSwiftCrashReport(line, 0..<line.count) {
            state = .swiftCrash
        } else if LevelInference.swiftFatalError(line, 0..<line.count) != nil {
            state = .swiftFatal
        } else if RubyException.header(line) != nil {
            state = .rubyException
        } else if let parts = PostgresLine.parse(line, 0..<line.count) {
            state = .postgres
            postgresPID = Array(line[parts.pid])
        } else {
            state = .plain
        }
        headIsError = (LevelInference.infer(line, 0..<line.count)?.rank ?? 0) >= Logger.Level.error.rank
    }

    /// Whether `line` continues the pending event; updates the state when it does.
    private mutating func continues(_ line: UnsafeBufferPointer<UInt8>, isBlank: Bool) -> Bool {
        if isBlank {
            return state == .pythonException || state == .goPanic || state == .pythonTraceback || state == .swiftFatal
                || state == .swiftCrash || state == .rubyException
        }
        if state == .swiftCrash {
            if CaptureBytes.hasPrefix(line, at: 0, "Backtrace took ") { state = .plain }  // the report's last line
            return true
        }
        let first = line[0]
        if CaptureBytes.isSpace(first) { return true }
        if CaptureBytes.hasPrefix(line, at: 0, "Caused by: ") { return true }
        if CaptureBytes.hasPrefix(line, at: 0, Self.traceback) {
            guard state == .pythonException || headIsError || state == .pythonTraceback else { return false }
            state = .pythonTraceback
            return true
        }
        if CaptureBytes.hasPrefix(line, at: 0, "Current stack trace:") || CaptureBytes.hasPrefix(line, at: 0, "Stack dump:") {
            state = .swiftStack
            return true
        }
        switch state {
        case .pythonTraceback:
            state = .pythonException  // the exception line ends the traceback
            return true
        case .pythonException:
            return CaptureBytes.hasPrefix(line, at: 0, "During handling of the above exception")
                || CaptureBytes.hasPrefix(line, at: 0, "The above exception was the direct cause")
        case .swiftStack:
            // `0  libswiftCore.so 0x… …` or `#0 0x… in …`
            var index = first == UInt8(ascii: "#") ? 1 : 0
            let digits = index
            while index < line.count, CaptureBytes.isDigit(line[index]) { index += 1 }
            return index > digits && index < line.count && CaptureBytes.isSpace(line[index])
        case .swiftFatal:
            guard LevelInference.isSwiftCrashReport(line, 0..<line.count) else { return false }
            state = .swiftCrash
            return true
        case .swiftCrash:
            return true  // handled above
        case .rubyException:
            return RubyException.isFrame(line)
        case .postgres:
            guard let parts = PostgresLine.parse(line, 0..<line.count), PostgresLine.detailField(line, parts) != nil else { return false }
            return line[parts.pid].elementsEqual(postgresPID)
        case .goPanic:
            return CaptureBytes.hasPrefix(line, at: 0, "goroutine ") || CaptureBytes.hasPrefix(line, at: 0, "created by ")
                || line[line.count - 1] == UInt8(ascii: ")") || CaptureBytes.hasPrefix(line, at: 0, "[signal ")
        case .plain:
            if headIsError, pendingLines == 1 {
                var exception = ParsedLine(message: "")
                // Java's `java.lang.IllegalStateException: …` (logback, log4j), or the `TypeError: …` that
                // starts a Node error's stack (NestJS's ExceptionsHandler prints it below its message).
                return StackTraceSplitter.assignException(line, 0..<line.count, .suffixed, to: &exception)
            }
            return false
        }
    }

    private static let traceback: StaticString = "Traceback (most recent call last):"
}
