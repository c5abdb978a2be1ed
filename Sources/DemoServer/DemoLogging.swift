import Logging
import RequestTracing

/// How the demo's services log: one format and sink for all, a `service` name each, and optionally a
/// log shipper that streams every record to a trace receiver as JSON.
struct DemoLogging: Sendable {
    var format: LogFormat = .json
    var sink: any LogSink = FileDescriptorLogSink.standardOutput
    var level: Logger.Level = .info
    /// Where JSON records are streamed besides ``sink`` (set when `TRACE_RECEIVER_URL` is).
    var shipper: (any LogSink)?

    func logger(service: String) -> Logger {
        var logger = Logger(label: service) { label in
            guard let shipper else {
                return StructuredLogHandler(label: label, service: service, format: format, sink: sink, logLevel: level)
            }
            if case .json = format {
                // One handler, one encoding: the terminal's line and the shipped record are the same bytes,
                // so a captured copy (under `trace-receiver run`) is recognised as the same record.
                return StructuredLogHandler(label: label, service: service, format: .json, sink: MultiplexLogSink([sink, shipper]), logLevel: level)
            }
            return MultiplexLogHandler([
                StructuredLogHandler(label: label, service: service, format: format, sink: sink, logLevel: level),
                StructuredLogHandler(label: label, service: service, format: .json, sink: shipper, logLevel: level),
            ])
        }
        logger.logLevel = level
        return logger
    }
}
