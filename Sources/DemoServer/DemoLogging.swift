import Logging
import RequestTracing

/// How the demo's services log: one format and sink for all, a `service` name each.
struct DemoLogging: Sendable {
    var format: LogFormat = .json
    var sink: any LogSink = FileDescriptorLogSink.standardOutput
    var level: Logger.Level = .info

    func logger(service: String) -> Logger {
        var logger = Logger(label: service) { label in
            StructuredLogHandler(label: label, service: service, format: format, sink: sink, logLevel: level)
        }
        logger.logLevel = level
        return logger
    }
}
