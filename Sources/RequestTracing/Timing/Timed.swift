public import Logging

/// Runs `operation` as a child span of the current request, timing it and logging the outcome.
///
/// Logs `<name>_completed` (at `level`, with `duration_ms`) or, when `operation` throws,
/// `<name>_failed` (at error level, with `duration_ms`, `error` and `error_type`) and rethrows the error
/// unchanged. Inside `operation`, ``RequestTraceContext/current`` is a child span: log lines and outgoing
/// calls made there carry the block's span id, with the enclosing span as parent, so the receiver can
/// draw the block as a span of its own.
///
/// ```swift
/// let stock = try await timed("reserve_inventory") {
///     try await inventory.reserve(item)
/// }
/// ```
///
/// - Parameters:
///   - name: The operation's name; events are `<name>_completed` and `<name>_failed`.
///   - logger: The logger to use; `Logger.current` by default.
///   - level: The level of the `_completed` record.
///   - metadata: Extra metadata for both records.
///   - operation: The work to time.
@discardableResult
public func timed<Result>(
    _ name: String,
    logger: Logger = Logger.current,
    level: Logger.Level = .info,
    metadata: Logger.Metadata = [:],
    file: String = #fileID,
    function: String = #function,
    line: UInt = #line,
    _ operation: () throws -> Result
) rethrows -> Result {
    let span = TimedSpan(name: name, logger: logger, level: level, metadata: metadata, file: file, function: function, line: line)
    return try span.trace.withBound {
        let start = ContinuousClock.now
        do {
            let result = try operation()
            span.completed(after: ContinuousClock.now - start)
            return result
        } catch {
            span.failed(error, after: ContinuousClock.now - start)
            throw error
        }
    }
}

/// Runs async `operation` as a child span of the current request, timing it and logging the outcome.
///
/// See ``timed(_:logger:level:metadata:file:function:line:_:)-(_,_,_,_,_,_,_,()->Result)`` for the records
/// it writes.
@discardableResult
public nonisolated(nonsending) func timed<Result>(
    _ name: String,
    logger: Logger = Logger.current,
    level: Logger.Level = .info,
    metadata: Logger.Metadata = [:],
    file: String = #fileID,
    function: String = #function,
    line: UInt = #line,
    _ operation: nonisolated(nonsending) () async throws -> Result
) async rethrows -> Result {
    let span = TimedSpan(name: name, logger: logger, level: level, metadata: metadata, file: file, function: function, line: line)
    return try await span.trace.withBound {
        let start = ContinuousClock.now
        do {
            let result = try await operation()
            span.completed(after: ContinuousClock.now - start)
            return result
        } catch {
            span.failed(error, after: ContinuousClock.now - start)
            throw error
        }
    }
}

/// The state shared by the sync and async ``timed(_:logger:level:metadata:file:function:line:_:)-(_,_,_,_,_,_,_,()->Result)``.
struct TimedSpan {
    let name: String
    let logger: Logger
    let level: Logger.Level
    let metadata: Logger.Metadata
    let file: String
    let function: String
    let line: UInt
    /// The child span the block runs in (a new trace when no request is bound).
    let trace: RequestTraceContext

    init(name: String, logger: Logger, level: Logger.Level, metadata: Logger.Metadata, file: String, function: String, line: UInt) {
        self.name = name
        self.logger = logger
        self.level = level
        self.metadata = metadata
        self.file = file
        self.function = function
        self.line = line
        self.trace = RequestTraceContext.current?.childSpan() ?? .newRoot()
    }

    func completed(after duration: Duration) {
        var metadata = self.metadata
        metadata["event"] = .string("\(name)_completed")
        metadata["duration_ms"] = .stringConvertible(duration.milliseconds)
        logger.log(level: level, "\(name) completed", metadata: metadata, file: file, function: function, line: line)
    }

    func failed(_ error: any Error, after duration: Duration) {
        var metadata = self.metadata
        metadata["event"] = .string("\(name)_failed")
        metadata["duration_ms"] = .stringConvertible(duration.milliseconds)
        logger.error("\(name) failed", error: error, metadata: metadata, file: file, function: function, line: line)
    }
}
