import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import NIOWebSocket
import RequestTracing
import ServiceLifecycle
import Synchronization
import WSClient

/// Streams a service's log records to a trace receiver over one persistent WebSocket, losing nothing
/// when the receiver restarts or is not up yet.
///
/// A shipper is a ``LogSink``: give it to a `StructuredLogHandler` (alone, or next to standard output in a
/// ``MultiplexLogSink`` so both copies carry the same bytes). A logging call only copies its encoded
/// line into a bounded in-memory queue; it never blocks and never waits on the network. The shipper's
/// ``run()`` (a swift-service-lifecycle `Service`) moves queued lines into batches, writes each batch to
/// a spool folder, sends it on `/api/stream`, and deletes it when the receiver acknowledges it. After a
/// disconnect it reconnects with exponential backoff and jitter and resends every unacknowledged batch;
/// each record carries the shipper's `instance` and a sequence number, so the receiver stores a replayed
/// record once. Batches left in the spool by a crash are replayed by the next run.
///
/// ```swift
/// guard let configuration = LogShipper.Configuration(service: "checkout") else { … } // needs TRACE_RECEIVER_URL
/// let shipper = try LogShipper(configuration: configuration)
/// let sink = MultiplexLogSink([FileDescriptorLogSink.standardOutput, shipper])
/// LoggingSystem.bootstrap { StructuredLogHandler(label: $0, service: "checkout", format: .json, sink: sink) }
/// // List the shipper first so that it is shut down last and ships the other services' final lines.
/// let group = ServiceGroup(services: [shipper, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
///
/// Overflow drops the oldest records (queue first, then spooled batches) and counts them; the count is
/// sent to the receiver as a `records_dropped` warning record once the stream is up again.
public final class LogShipper: LogSink, Service {
    /// The configuration the shipper was made with.
    public let configuration: Configuration
    /// The receiver's `/api/stream` WebSocket URL, from ``Configuration/receiverURL``.
    let streamURL: String
    /// This process's instance id, sent with every record (with its sequence number) for exact dedup.
    public let instance: String

    let queue: ShipperQueue
    let spool: ShipperSpool
    private let drainWakeup = WakeupSignal()
    private let sendWakeup = WakeupSignal()
    private let state = Mutex(RunState())
    private let threadPool: NIOThreadPool

    struct RunState {
        var shuttingDown = false
        var drainFinished = false
        /// A drain is moving lines from the queue to the spool: taken from one, not yet in the other.
        var draining = false
        var connected = false
        var warnedUnreachable = false
        /// The receiver refused to store a batch (its disk is full), and that was said.
        var warnedRefusal = false
        /// The receiver closed the stream for a batch over its size limit, and that was said.
        var warnedTooLarge = false
        /// When refused records were last said, and how many have been refused since.
        var lastRejectionWarning: ContinuousClock.Instant?
        var rejectedSinceWarning = 0
        var resendNotBefore: ContinuousClock.Instant?
        var acknowledged = 0
        var duplicates = 0
        var rejected = 0
        /// Batches that could not be written to the spool (disk full, say), in records.
        var spoolWriteFailures = 0
        var unreportedDrops = 0
    }

    /// Creates a shipper and opens its spool (picking up batches an earlier run left unacknowledged).
    ///
    /// - Throws: ``ShipperError/invalidReceiverURL(_:)`` when the receiver URL is not a receiver's
    ///   address, ``ShipperError/spool(_:)`` when the spool folder cannot be created or locked.
    public init(configuration: Configuration) throws(ShipperError) {
        guard let streamURL = configuration.streamURL else { throw .invalidReceiverURL(configuration.receiverURL) }
        self.streamURL = streamURL
        self.configuration = configuration
        self.instance = UUIDv7.generate().description
        self.queue = ShipperQueue(
            capacity: configuration.queueCapacity,
            limitBytes: configuration.queueLimitBytes,
            batchRecords: configuration.batchRecords
        )
        self.spool = try ShipperSpool(directory: configuration.spoolDirectory, limitBytes: configuration.spoolLimitBytes)
        self.threadPool = NIOThreadPool.singleton
    }

    // MARK: LogSink

    public func write(_ line: [UInt8]) {
        line.withUnsafeBytes { write(bytes: $0) }
    }

    public func write(bytes line: UnsafeRawBufferPointer) {
        if line.count > configuration.maximumRecordBytes, let cut = OversizedRecord.cut(line, toFit: configuration.maximumRecordBytes) {
            if cut.withUnsafeBytes({ queue.append($0) }) { drainWakeup.signal() }
            return
        }
        if queue.append(line) { drainWakeup.signal() }
    }

    // MARK: Statistics

    /// A snapshot of the shipper's counters.
    public var statistics: Statistics {
        let pending = spool.pending
        let queued = queue.count
        let droppedFromQueue = queue.droppedTotal
        let droppedFromSpool = spool.droppedTotal
        return state.withLock { state in
            Statistics(
                queuedRecords: queued,
                spooledBatches: pending.batches,
                spooledRecords: pending.records,
                acknowledgedRecords: state.acknowledged,
                duplicateRecords: state.duplicates,
                rejectedRecords: state.rejected,
                droppedFromQueue: droppedFromQueue,
                droppedFromSpool: droppedFromSpool + state.spoolWriteFailures,
                isConnected: state.connected
            )
        }
    }

    /// Waits until every record logged so far has been acknowledged by the receiver, or `timeout` passes.
    ///
    /// - Returns: `true` when nothing is left to ship.
    public func flush(timeout: Duration) async -> Bool {
        await flush(waiting: timeout, extendedByProgress: false)
    }

    /// Waits until every record logged so far has been acknowledged by the receiver, for as long as the
    /// receiver keeps settling records: gives up only once `stallTimeout` passes with none acknowledged,
    /// refused or dropped. A receiver that rate-limits this service so takes all of a burst at its own
    /// pace, while one that is down or stuck costs `stallTimeout`.
    ///
    /// - Returns: `true` when nothing is left to ship.
    public func flush(stallTimeout: Duration) async -> Bool {
        await flush(waiting: stallTimeout, extendedByProgress: true)
    }

    private func flush(waiting limit: Duration, extendedByProgress: Bool) async -> Bool {
        var deadline = ContinuousClock.now + limit
        var settled = settledRecords
        drainWakeup.signal()
        while !isEmpty {
            if extendedByProgress {
                let now = settledRecords
                if now != settled { (settled, deadline) = (now, ContinuousClock.now + limit) }
            }
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
            drainWakeup.signal()
        }
        return true
    }

    /// Records that left the shipper's hands so far: acknowledged, refused by the receiver, or dropped.
    private var settledRecords: Int {
        let dropped = queue.droppedTotal + spool.droppedTotal
        return state.withLock { $0.acknowledged + $0.rejected + $0.spoolWriteFailures } + dropped
    }

    // MARK: Service

    private enum Part { case ticker, drain, connection, deadline }

    /// Ships until graceful shutdown (then flushes for up to ``Configuration/shutdownTimeout``) or until
    /// the task is cancelled (then stops at once; the spool keeps what was not acknowledged). Returns
    /// normally in both cases.
    public func run() async throws {
        let shutdownStarted = WakeupSignal()
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Part.self) { group in
                group.addTask { await self.tick(); return .ticker }
                group.addTask { await self.drainLoop(); return .drain }
                group.addTask {
                    // Outside the graceful-shutdown context on purpose: the WebSocket client closes its
                    // connection when it sees graceful shutdown, and shutdown is exactly when the last
                    // batches must still go out. Cancellation is forwarded by hand.
                    let connection = Task.detached { await self.connectionLoop() }
                    await withTaskCancellationHandler { await connection.value } onCancel: { connection.cancel() }
                    return .connection
                }
                group.addTask {
                    await shutdownStarted.wait()
                    if Task.isCancelled { return .deadline }
                    try? await Task.sleep(for: self.configuration.shutdownTimeout)
                    return .deadline
                }
                while let part = try await group.next() {
                    if part == .connection || part == .deadline {
                        group.cancelAll()
                        break
                    }
                }
            }
        } onGracefulShutdown: {
            self.state.withLock { $0.shuttingDown = true }
            shutdownStarted.signal()
            self.drainWakeup.signal()
            self.sendWakeup.signal()
        }
    }

    /// Wakes the drain and send loops every flush interval.
    private func tick() async {
        while !Task.isCancelled && !state.withLock({ $0.shuttingDown }) {
            try? await Task.sleep(for: configuration.flushInterval)
            drainWakeup.signal()
            sendWakeup.signal()
        }
    }

    // MARK: Queue → spool

    private func drainLoop() async {
        var encoder = ShipperBatchEncoder(instance: instance)
        while !Task.isCancelled {
            await drainWakeup.wait()
            let finishing = state.withLock { $0.shuttingDown }
            await drain(&encoder)
            if finishing {
                await drain(&encoder)
                state.withLock { $0.drainFinished = true }
                sendWakeup.signal()
                return
            }
        }
    }

    /// Moves every queued line into spooled batches.
    private func drain(_ encoder: inout ShipperBatchEncoder) async {
        // Marked for the whole move, so ``isEmpty`` cannot see an empty queue and an empty spool while a
        // batch is between the two (a flush would then report success and its caller stop us mid-write).
        state.withLock { $0.draining = true }
        defer { state.withLock { $0.draining = false } }
        while true {
            var lines = queue.take(records: configuration.batchRecords, bytes: configuration.batchBytes)
            let full = lines.count >= configuration.batchRecords
            if let report = takeDropReport() { lines.append(report) }
            if lines.isEmpty { return }
            let number = spool.reserveNumber()
            let message = encoder.encode(batch: number, lines: lines)
            let count = lines.count
            do {
                try await threadPool.runIfActive { [spool = self.spool] in
                    do { try spool.append(number: number, records: count, message: message) } catch { throw error }
                }
            } catch {
                state.withLock { $0.spoolWriteFailures += count; $0.unreportedDrops += count }
                configuration.diagnostics("cannot spool \(count) records: \(error)")
            }
            sendWakeup.signal()
            if !full { return }
        }
    }

    /// A `records_dropped` warning line for drops not yet reported, once the stream is up (so the report
    /// itself is not spooled only to be dropped in the same outage).
    private func takeDropReport() -> [UInt8]? {
        let fromQueue = queue.takeDroppedCount()
        let fromSpool = spool.takeDroppedCount()
        let queueTotal = queue.droppedTotal
        let spoolTotal = spool.droppedTotal
        let counts: (total: Int, queue: Int, spool: Int)? = state.withLock { state in
            state.unreportedDrops += fromQueue + fromSpool
            guard state.connected, state.unreportedDrops > 0 else { return nil }
            defer { state.unreportedDrops = 0 }
            return (state.unreportedDrops, queueTotal, spoolTotal + state.spoolWriteFailures)
        }
        guard let counts else { return nil }
        return DropReport(
            service: configuration.service,
            dropped: counts.total,
            droppedFromQueueTotal: counts.queue,
            droppedFromSpoolTotal: counts.spool
        ).line()
    }

    // MARK: Spool → receiver

    /// Nothing queued, nothing on its way to the spool and nothing spooled: every record logged so far is
    /// acknowledged.
    private var isEmpty: Bool {
        queue.count == 0 && !state.withLock({ $0.draining }) && spool.pending.batches == 0
    }

    private var isFinished: Bool {
        state.withLock { $0.shuttingDown && $0.drainFinished } && spool.pending.batches == 0
    }

    private func connectionLoop() async {
        var failures = 0
        var clientConfiguration = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
        if let token = configuration.ingestToken { clientConfiguration.additionalHeaders[.authorization] = "Bearer \(token)" }
        let logger = Logger(label: "request-tracing.shipper", factory: { _ in SwiftLogNoOpLogHandler() })
        while !Task.isCancelled && !isFinished {
            let connectedBefore = state.withLock { $0.connected }
            var failure: (any Error)?
            var refusedAsTooLarge = false
            let attempt = ConnectionAttempt<Result<WebSocketCloseFrame?, any Error>>()
            let connection = Task { [streamURL, clientConfiguration] in
                do {
                    let closing = try await WebSocketClient.connect(url: streamURL, configuration: clientConfiguration, logger: logger) {
                        inbound, outbound, _ in
                        self.didConnect()
                        try await self.exchange(inbound: inbound, outbound: outbound)
                    }
                    attempt.resolve(.success(closing))
                } catch {
                    attempt.resolve(.failure(error))
                }
            }
            // Gives the attempt up when its handshake has not completed by the deadline (see ConnectionAttempt).
            let deadline = Task { [handshakeTimeout = configuration.handshakeTimeout] in
                try? await Task.sleep(for: handshakeTimeout)
                if !Task.isCancelled, !self.state.withLock({ $0.connected }) { attempt.resolve(nil) }
            }
            switch await attempt.value() {
            case .success(let closing):
                refusedAsTooLarge = closing?.closeCode == .messageTooLarge
            case .failure(let error):
                failure = error
            case nil:
                connection.cancel()
                failure = ShipperError.handshakeTimedOut(configuration.handshakeTimeout)
            }
            deadline.cancel()
            let wasConnected = state.withLock { state in
                defer { state.connected = false }
                return state.connected
            }
            spool.connectionLost()
            if isFinished || Task.isCancelled { return }
            if refusedAsTooLarge {
                // Sending the same batch again at once would be refused again: back off, and say why.
                failures += 1
                warnBatchTooLarge()
            } else if wasConnected || connectedBefore {
                failures = 0
            } else {
                failures += 1
                warnUnreachable(failure)
            }
            try? await Task.sleep(for: configuration.reconnectBackoff.delay(afterFailures: failures))
        }
    }

    private func didConnect() {
        let pending = spool.pending
        let warned = state.withLock { state in
            defer { state.connected = true; state.warnedUnreachable = false }
            return state.warnedUnreachable
        }
        if warned {
            configuration.diagnostics("connected to \(streamURL); replaying \(pending.records) spooled records")
        }
        drainWakeup.signal()
    }

    private func warnUnreachable(_ error: (any Error)?) {
        guard firstTime(\.warnedUnreachable) else { return }
        let keeping = "keeping records in \(spool.directory) and retrying"
        if let error = error as? WebSocketClientError, error == .webSocketUpgradeFailed {
            // Something answered, but not with a stream; WSClient does not say what it answered.
            let token = configuration.ingestToken == nil ? "set TRACE_RECEIVER_INGEST_TOKEN to its token" : "check TRACE_RECEIVER_INGEST_TOKEN"
            configuration.diagnostics(
                "the server at \(streamURL) refused the stream: a receiver started with --ingest-token needs it (\(token)), "
                    + "or this address is not a trace receiver; \(keeping)"
            )
            return
        }
        let reason = error.map { " (\($0))" } ?? ""
        configuration.diagnostics("cannot reach the trace receiver at \(streamURL)\(reason); \(keeping)")
    }

    /// Sets `flag` (a "this was said" mark of the run state) and returns whether it was clear: whether
    /// the warning it marks is to be said now.
    private func firstTime(_ flag: WritableKeyPath<RunState, Bool>) -> Bool {
        state.withLock { state in
            defer { state[keyPath: flag] = true }
            return !state[keyPath: flag]
        }
    }

    /// Says once (until a batch is acknowledged) that the receiver closed the stream because a batch
    /// was larger than it accepts.
    private func warnBatchTooLarge() {
        guard firstTime(\.warnedTooLarge) else { return }
        configuration.diagnostics(
            "the trace receiver at \(streamURL) closed the stream because a batch was larger than it accepts: "
                + "its --max-body-size is below this shipper's batches (up to \(configuration.batchBytes) bytes); "
                + "raise it, or lower batchBytes. Keeping records in \(spool.directory) and retrying"
        )
    }

    /// Says that the receiver refused records of a batch it stored (too large, unreadable), with its
    /// reason for the first of them: at once the first time, then at most once a minute, counting those
    /// refused meanwhile. The reason comes from whatever answers at the receiver's address, so it is shown
    /// only as printable text, and short.
    private func warnRejected(_ count: Int, reason: String?) {
        let now = ContinuousClock.now
        let refused: Int? = state.withLock { state in
            state.rejectedSinceWarning += count
            if let last = state.lastRejectionWarning, now - last < Self.rejectionWarningInterval { return nil }
            state.lastRejectionWarning = now
            defer { state.rejectedSinceWarning = 0 }
            return state.rejectedSinceWarning
        }
        guard let refused else { return }
        let printable = reason.map { String(String.UnicodeScalarView($0.unicodeScalars.filter { $0.properties.generalCategory != .control }).prefix(200)) }
        configuration.diagnostics(
            "the trace receiver at \(streamURL) refused \(refused) record\(refused == 1 ? "" : "s") as unreadable or too large"
                + (printable.map { " (\($0))" } ?? "") + "; refused records are not stored. They are counted in the shipper's "
                + "statistics (rejectedRecords) and said at most once a minute"
        )
    }

    /// Least time between two warnings about refused records.
    static let rejectionWarningInterval = Duration.seconds(60)

    /// Says once per outage that the receiver cannot store records (a rate limit is routine and not
    /// said). Only the reply's error code is shown, and only when it is a plain word: the text comes
    /// from whatever answers at the receiver's address.
    private func warnRefused(_ reply: StreamReply, retryingIn delay: Duration) {
        guard firstTime(\.warnedRefusal) else { return }
        let code = reply.error.flatMap { $0.count <= 32 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "_") } ? $0 : nil }
        let reason =
            switch code {
            case "store_full": "its disk is full"
            case "store_failed": "its store cannot write"
            default: code ?? "no reason given"
            }
        configuration.diagnostics(
            "the trace receiver at \(streamURL) cannot store records now (\(reason)); keeping them in \(spool.directory) "
                + "and resending every \(delay.components.seconds) s"
        )
    }

    /// Sends spooled batches (at most ``Configuration/maximumInFlightBatches`` unacknowledged) and handles
    /// the replies, until the connection drops or shutdown has shipped everything.
    private func exchange(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    let reply: StreamReply? =
                        switch message {
                        case .text(let text): StreamReply.decode(text.utf8)
                        case .binary(let buffer): StreamReply.decode(buffer.readableBytesView)
                        }
                    if let reply { try await self.handle(reply) }
                }
                // The receiver closed the stream: the exchange ends, and `connect` returns its close frame.
            }
            group.addTask {
                while !Task.isCancelled {
                    if self.isFinished {
                        try await outbound.close(.normalClosure, reason: "shipper shut down")
                        return
                    }
                    if let notBefore = self.state.withLock({ $0.resendNotBefore }), notBefore > .now {
                        try await Task.sleep(until: notBefore)
                        continue
                    }
                    guard let batch = self.spool.nextToSend(maximumInFlight: self.configuration.maximumInFlightBatches) else {
                        await self.sendWakeup.wait()
                        continue
                    }
                    // Held in memory since it was spooled, as a batch usually is when first sent; otherwise
                    // (a resend, or a batch spooled before a restart) read back from its file.
                    let message: [UInt8]? =
                        if let unsent = self.spool.takeUnsentMessage(of: batch) {
                            unsent
                        } else {
                            try await self.threadPool.runIfActive { [spool = self.spool] in spool.message(of: batch) }
                        }
                    // None: no longer spooled (dropped for space meanwhile, or unreadable and so dropped).
                    guard let message else { continue }
                    try await outbound.write(.binary(ByteBuffer(bytes: message)))
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func handle(_ reply: StreamReply) async throws {
        if let number = reply.ack {
            let batch = try await threadPool.runIfActive { [spool = self.spool] in spool.acknowledge(number) }
            let refusalEnded = state.withLock { state in
                if batch != nil {
                    state.acknowledged += (reply.accepted ?? 0) + (reply.duplicates ?? 0)
                    state.duplicates += reply.duplicates ?? 0
                    state.rejected += reply.rejected ?? 0
                }
                defer { state.warnedRefusal = false; state.warnedTooLarge = false }
                return state.warnedRefusal
            }
            if refusalEnded { configuration.diagnostics("the trace receiver at \(streamURL) stores records again; sending the spooled ones") }
            if batch != nil, let rejected = reply.rejected, rejected > 0 { warnRejected(rejected, reason: reply.errors?.first?.reason) }
        } else if let number = reply.nack {
            if reply.error == "invalid_batch" {
                // The receiver cannot read this batch; resending would fail forever.
                if let batch = try await threadPool.runIfActive({ [spool = self.spool] in spool.acknowledge(number) }) {
                    state.withLock { $0.rejected += batch.records }
                }
            } else {
                let delay = Duration.milliseconds(max(reply.retryAfterMilliseconds ?? 100, 10))
                state.withLock { $0.resendNotBefore = .now + delay }
                spool.resend(number)
                if reply.error != "rate_limited" { warnRefused(reply, retryingIn: delay) }
            }
        }
        sendWakeup.signal()
    }
}
