#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RequestTracing

extension LogShipper {
    /// Where and how a ``LogShipper`` sends records.
    ///
    /// Every limit has a default suited to a development machine; ``init(service:environment:)`` reads
    /// `TRACE_RECEIVER_URL`, `TRACE_RECEIVER_INGEST_TOKEN` and `TRACE_RECEIVER_SPOOL_DIR`.
    public struct Configuration: Sendable {
        /// Default directory under which each service gets its spool: `$XDG_STATE_HOME/trace-receiver/spool`,
        /// else `~/.local/state/trace-receiver/spool`, else `/tmp/trace-receiver-spool`.
        public static var defaultSpoolRoot: String {
            if let state = environmentValue("XDG_STATE_HOME"), !state.isEmpty { return state + "/trace-receiver/spool" }
            if let home = environmentValue("HOME"), !home.isEmpty { return home + "/.local/state/trace-receiver/spool" }
            return "/tmp/trace-receiver-spool"
        }

        /// The receiver's address (`http://127.0.0.1:7890`; ``ReceiverAddress`` lists the forms read); the
        /// stream is its `/api/stream` WebSocket.
        public var receiverURL: String
        /// Service name used for the shipper's own records (dropped-record reports) and the spool folder.
        public var service: String
        /// Bearer token sent when the receiver requires one (`--ingest-token`).
        public var ingestToken: String?
        /// Folder holding batches not yet acknowledged; they are replayed after a restart of either side.
        public var spoolDirectory: String
        /// Bound on the bytes of unacknowledged batches in the spool; past it (or past twice it on disk)
        /// the oldest batches are dropped and counted.
        public var spoolLimitBytes = 64 * 1024 * 1024
        /// Bound on records waiting in memory to be spooled; past it the oldest are dropped and counted.
        public var queueCapacity = 20_000
        /// Bound on bytes waiting in memory to be spooled (allocated once, when the shipper is made).
        public var queueLimitBytes = 8 * 1024 * 1024
        /// Longest record sent, in bytes. A longer one (a huge message, say) has its longest text cut to
        /// fit, ending with a note of how many bytes were left out, rather than being refused whole by the
        /// receiver. Keep it at or under the receiver's `--max-record-size`.
        public var maximumRecordBytes = Self.defaultMaximumRecordBytes
        /// ``maximumRecordBytes`` unless set: the receiver's default record limit (64 KiB), less room for
        /// the `instance` and `seq` the shipper adds to each record.
        public static let defaultMaximumRecordBytes = 64 * 1024 - 128
        /// Most records in one batch.
        public var batchRecords = 1_000
        /// Most bytes in one batch (the receiver's default message limit is 16 MiB).
        public var batchBytes = 1024 * 1024
        /// How often waiting records are spooled and sent, when fewer than a batch are waiting.
        public var flushInterval = Duration.milliseconds(50)
        /// Most batches sent and not yet acknowledged.
        public var maximumInFlightBatches = 4
        /// Delays between reconnection attempts: from 100 ms, doubling per failure up to 5 s, ±20 % jitter.
        public var reconnectBackoff = ReconnectBackoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(5))
        /// How long graceful shutdown waits for outstanding batches to be acknowledged.
        public var shutdownTimeout = Duration.seconds(5)
        /// How long connecting to the receiver (TCP, then the WebSocket upgrade) may take before the attempt
        /// is given up and retried: a receiver that closes a connection mid-handshake is not always noticed.
        public var handshakeTimeout = Duration.seconds(10)
        /// Where the shipper reports that the receiver is unreachable (once per outage) and that it is back.
        /// Standard error by default; never a `Logger`, which could feed the shipper its own warnings.
        public var diagnostics: @Sendable (String) -> Void = { message in
            writeToStandardError("[trace-shipper] \(message)\n")
        }

        /// Creates a configuration with every limit at its default.
        ///
        /// - Parameters:
        ///   - receiverURL: The receiver's base URL, `http(s)://` or `ws(s)://`.
        ///   - service: The service whose records this shipper carries.
        ///   - spoolDirectory: The spool folder; `<defaultSpoolRoot>/<service>` by default.
        public init(receiverURL: String, service: String, spoolDirectory: String? = nil) {
            self.receiverURL = receiverURL
            self.service = service
            self.spoolDirectory = spoolDirectory ?? Self.defaultSpoolRoot + "/" + Self.safePathComponent(service)
        }

        /// A configuration from the environment, or `nil` when `TRACE_RECEIVER_URL` is not set (so a
        /// service ships only when asked to).
        ///
        /// Reads `TRACE_RECEIVER_URL`, `TRACE_RECEIVER_INGEST_TOKEN` and `TRACE_RECEIVER_SPOOL_DIR` (a root
        /// under which the service's folder is made).
        public init?(service: String, environment: [String: String]? = nil) {
            let lookup: (String) -> String? = { name in environment.map { $0[name] } ?? Self.environmentValue(name) }
            guard let url = lookup("TRACE_RECEIVER_URL"), !url.isEmpty else { return nil }
            let root = lookup("TRACE_RECEIVER_SPOOL_DIR").flatMap { $0.isEmpty ? nil : $0 }
            self.init(receiverURL: url, service: service, spoolDirectory: root.map { $0 + "/" + Self.safePathComponent(service) })
            ingestToken = lookup("TRACE_RECEIVER_INGEST_TOKEN").flatMap { $0.isEmpty ? nil : $0 }
        }

        /// The stream's WebSocket URL (``ReceiverAddress/streamURL``), or `nil` when ``receiverURL`` is
        /// not a receiver's address.
        var streamURL: String? { ReceiverAddress(receiverURL)?.streamURL }

        static func environmentValue(_ name: String) -> String? {
            getenv(name).map { String(cString: $0) }
        }

        /// `service` reduced to characters safe in a file name.
        static func safePathComponent(_ service: String) -> String {
            let safe = service.unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": Character(scalar)
                default: "_"
                }
            }
            let name = String(safe)
            return name.isEmpty || name == "." || name == ".." ? "service" : name
        }
    }
}

/// Writes `text` to standard error unbuffered, without touching C's shared `stderr`.
func writeToStandardError(_ text: String) {
    FileDescriptorWriter.writeAll(Array(text.utf8), to: STDERR_FILENO)
}
