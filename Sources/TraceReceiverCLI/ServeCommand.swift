import ArgumentParser
import Foundation
import Logging
import NIOCore
import RequestTracing
import ServiceLifecycle
import TraceReceiver
import UnixSignals

/// `trace-receiver serve` (the default): run the receiver until SIGINT/SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the receiver (the default subcommand).",
        discussion: "Every option can also be set with a TRACE_RECEIVER_<OPTION> environment variable, e.g. TRACE_RECEIVER_PORT=7891."
    )

    @Option(help: "Address to listen on. Anything but loopback requires --ingest-token.")
    var host = environment("HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = environment("PORT").flatMap(Int.init) ?? 7890

    @Option(help: "Directory of the SQLite store, or 'memory' for the in-memory hot buffer only.")
    var store = environment("STORE") ?? ".trace-receiver"

    @Option(help: "Delete stored records older than this (e.g. 12h, 7d).")
    var retentionAge = environment("RETENTION_AGE") ?? "7d"

    @Option(help: "Keep the SQLite store under this size (e.g. 500MiB, 1GiB); its write-ahead log adds up to 1/32 of it (at least 4 MiB).")
    var retentionSize = environment("RETENTION_SIZE") ?? "1GiB"

    @Option(help: "Hot-buffer expiry (by arrival).")
    var memoryMaxAge = environment("MEMORY_MAX_AGE") ?? "1h"

    @Option(help: "Hot-buffer byte cap; the oldest records are evicted first.")
    var memoryMaxSize = environment("MEMORY_MAX_SIZE") ?? "256MiB"

    @Option(help: "How long an accepted record is remembered, so the same record sent again is stored once.")
    var dedupWindow = environment("DEDUP_WINDOW") ?? "10m"

    @Option(help: "How long a new connection may take to send its first request before it is closed.")
    var firstRequestTimeout = environment("FIRST_REQUEST_TIMEOUT") ?? "30s"

    @Option(help: "Most records remembered for deduplication (about 50 bytes of memory each).")
    var dedupCapacity = environment("DEDUP_CAPACITY").flatMap(Int.init) ?? 1_000_000

    @Option(help: "Records per second accepted from one service (burst: twice this).")
    var serviceRate = environment("SERVICE_RATE").flatMap(Double.init) ?? 10_000

    @Option(help: "Largest POST /api/logs body (once decoded, when sent compressed) or stream message; a LogShipper sends batches of up to 1MiB.")
    var maxBodySize = environment("MAX_BODY_SIZE") ?? "16MiB"

    @Option(help: "Largest single record.")
    var maxRecordSize = environment("MAX_RECORD_SIZE") ?? "64KiB"

    @Option(help: "How far ahead of this clock a record's timestamp is believed; later ones are stored at arrival (their own time kept as sent_timestamp).")
    var maxClockSkew = environment("MAX_CLOCK_SKEW") ?? "10m"

    @Option(help: "Largest browser report (POST /api/frontend-log).")
    var frontendMaxSize = environment("FRONTEND_MAX_SIZE") ?? "64KiB"

    @Option(help: "Browser reports accepted per minute from one client address.")
    var frontendRate = environment("FRONTEND_RATE").flatMap(Double.init) ?? 30

    @Option(help: "Origin allowed to post browser reports (repeatable; '*' as the port matches any port).")
    var allowedOrigin: [String] = environment("ALLOWED_ORIGINS").map { $0.split(separator: ",").map(String.init) }
        ?? ["http://localhost:*", "http://127.0.0.1:*"]

    @Option(help: "Proxy address whose X-Forwarded-For is trusted (repeatable).")
    var trustedProxy: [String] = environment("TRUSTED_PROXIES").map { $0.split(separator: ",").map(String.init) } ?? []

    @Option(help: "Require 'Authorization: Bearer <token>' on ingest (mandatory off loopback; default: TRACE_RECEIVER_INGEST_TOKEN).")
    var ingestToken: String?

    @Option(help: "Log level of the receiver's own messages.")
    var logLevel = environment("LOG_LEVEL") ?? "info"

    func validate() throws {
        _ = try makeConfiguration()
    }

    func makeConfiguration() throws -> ReceiverConfiguration {
        var configuration = ReceiverConfiguration()
        configuration.host = host
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, not \(port)") }
        configuration.port = port
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--log-level must be one of \(levels), not '\(logLevel)'")
        }
        configuration.store = store == "memory" ? .memory : .sqlite(directory: store)
        configuration.retentionAge = try OptionParsing.duration(retentionAge, option: "--retention-age")
        configuration.retentionBytes = try OptionParsing.size(retentionSize, option: "--retention-size")
        configuration.memoryMaximumAge = try OptionParsing.duration(memoryMaxAge, option: "--memory-max-age")
        configuration.memoryMaximumBytes = try OptionParsing.size(memoryMaxSize, option: "--memory-max-size")
        configuration.dedupWindow = try OptionParsing.duration(dedupWindow, option: "--dedup-window")
        configuration.firstRequestTimeout = try OptionParsing.duration(firstRequestTimeout, option: "--first-request-timeout")
        guard dedupCapacity > 0 else { throw ValidationError("--dedup-capacity must be positive") }
        configuration.dedupCapacity = dedupCapacity
        guard serviceRate > 0 else { throw ValidationError("--service-rate must be positive") }
        configuration.serviceRecordsPerSecond = serviceRate
        configuration.maximumBodyBytes = try OptionParsing.size(maxBodySize, option: "--max-body-size")
        configuration.maximumRecordBytes = try OptionParsing.size(maxRecordSize, option: "--max-record-size")
        configuration.maximumClockSkew = try OptionParsing.duration(maxClockSkew, option: "--max-clock-skew")
        configuration.frontendMaximumBytes = try OptionParsing.size(frontendMaxSize, option: "--frontend-max-size")
        guard frontendRate > 0 else { throw ValidationError("--frontend-rate must be positive") }
        configuration.frontendReportsPerMinute = frontendRate
        configuration.allowedOrigins = allowedOrigin
        configuration.trustedProxies = trustedProxy
        configuration.ingestToken = ingestToken ?? environment("INGEST_TOKEN")
        return configuration
    }

    func run() async throws {
        AllocatorArenas.limit()
        let configuration = try makeConfiguration()
        let sink = FileDescriptorLogSink.standardError
        let level = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
        var logger = Logger(label: "trace-receiver") { label in
            StructuredLogHandler(label: label, service: "trace-receiver", format: .automatic(for: sink), sink: sink, logLevel: level)
        }
        logger.logLevel = level
        let host = configuration.host.bracketedIfIPv6
        let receiver: TraceReceiver
        do {
            receiver = try TraceReceiver(configuration: configuration, logger: logger) { port in
                let base = "http://\(host):\(port)"
                FileHandle.standardError.write(Data("""
                    trace-receiver listening on \(base)  (web page: \(base)/)
                    trace-receiver takes OTLP/HTTP logs and spans: OTEL_EXPORTER_OTLP_ENDPOINT=\(base) OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf

                    """.utf8))
            }
        } catch let error as ReceiverConfigurationError {
            throw ValidationError(error.description)
        }
        FileHandle.standardError.write(Data("trace-receiver storing in \(receiver.storeDescription)\n".utf8))
        let group = ServiceGroup(
            configuration: .init(services: [receiver], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        do {
            try await group.run()
        } catch let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) {
            throw ListenError(host: host, port: configuration.port, cause: error)
        }
        sink.flush()
    }
}

/// The receiver could not listen where it was told to; says why and what to change.
struct ListenError: Error, CustomStringConvertible {
    let host: String
    let port: Int
    let cause: IOError

    var description: String {
        let reason =
            switch cause.errnoCode {
            case EADDRINUSE: "the port is already in use (another trace-receiver?); choose another with --port, or 0 for any free one"
            case EADDRNOTAVAIL: "no interface of this machine has that address; check --host"
            default: "permission denied (ports below 1024 need privileges); choose another with --port"
            }
        return "cannot listen on \(host):\(port): \(reason)"
    }
}

/// Reads `TRACE_RECEIVER_<name>`.
func environment(_ name: String) -> String? {
    ProcessInfo.processInfo.environment["TRACE_RECEIVER_" + name]
}
