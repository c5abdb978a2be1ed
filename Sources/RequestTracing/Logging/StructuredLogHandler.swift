public import Logging

/// A swift-log `LogHandler` that writes one structured record per line: JSON for machines, or a readable
/// line for a terminal.
///
/// Every record carries the `request_id`, `trace_id`, `span_id` and `parent_span_id` of the
/// ``RequestTraceContext`` bound to the logging task, wherever the `Logger` came from, so code deep in a
/// request (child tasks, `async let`, task groups) needs to pass nothing. Metadata keys named after
/// record fields (`event`, `duration_ms`, `error`, `error_type`, `stack`, and the id keys) fill those
/// fields; all other metadata lands under `fields`. An `error:` passed to the log call fills `error`
/// (its description) and `error_type` (its type).
///
/// ```swift
/// LoggingSystem.bootstrap { label in
///     StructuredLogHandler(label: label, service: "checkout")
/// }
/// ```
public struct StructuredLogHandler: LogHandler {
    /// Metadata keys that are never written (Hummingbird's `hb.request.id` repeats `request_id`).
    public static let defaultSuppressedMetadataKeys: Set<String> = [hummingbirdRequestIDKey]

    /// What a handler never changes after it is made, shared by its copies: swift-log copies the handler
    /// whenever a `Logger` is copied and changed (a metadata key set per request, for instance), and a
    /// copy then costs one reference instead of one per field.
    final class Settings: Sendable {
        let service: String
        let source: String
        let format: LogFormat
        let sink: any LogSink
        let suppressedMetadataKeys: [String]
        /// Whether Hummingbird's request id key is suppressed, and so kept beside the metadata.
        let setsHummingbirdIDAside: Bool
        /// `,"service":"…","source":"…"`, encoded once.
        let serviceAndSourceJSON: [UInt8]

        init(service: String, source: String, format: LogFormat, sink: any LogSink, suppressedMetadataKeys: [String]) {
            self.service = service
            self.source = source
            self.format = format
            self.sink = sink
            self.suppressedMetadataKeys = suppressedMetadataKeys
            self.setsHummingbirdIDAside = suppressedMetadataKeys.contains(StructuredLogHandler.hummingbirdRequestIDKey)
            self.serviceAndSourceJSON = JSONLineEncoder.serviceAndSource(service: service, source: source)
        }

        /// Whether `key` is Hummingbird's request id key and is kept beside the metadata.
        @inline(__always)
        func keepsAside(_ key: String) -> Bool {
            setsHummingbirdIDAside && key == StructuredLogHandler.hummingbirdRequestIDKey
        }
    }

    let settings: Settings

    /// The `service` of every record.
    public var service: String { settings.service }
    /// The `source` of every record (`backend` for services using this library).
    public var source: String { settings.source }
    /// The output format.
    public var format: LogFormat { settings.format }

    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?

    /// The metadata set on the handler, apart from ``hummingbirdRequestID``.
    private var storedMetadata: Logger.Metadata = [:]

    /// The value of Hummingbird's `hb.request.id` while that key is suppressed (the default).
    ///
    /// Hummingbird sets the key on every request's logger, and ``RequestTracingMiddleware`` sets it again
    /// so that `RequestContext.id` reads the request id. Kept beside the metadata dictionary, setting it
    /// allocates no dictionary and copies none: 2 of the 13 heap allocations a request through the
    /// middleware made (`Benchmarks/counts.sh`).
    private var hummingbirdRequestID: Logger.MetadataValue?

    static let hummingbirdRequestIDKey = "hb.request.id"

    public var metadata: Logger.Metadata {
        get {
            guard let hummingbirdRequestID else { return storedMetadata }
            var metadata = storedMetadata
            metadata[Self.hummingbirdRequestIDKey] = hummingbirdRequestID
            return metadata
        }
        set {
            storedMetadata = newValue
            hummingbirdRequestID = settings.setsHummingbirdIDAside ? storedMetadata.removeValue(forKey: Self.hummingbirdRequestIDKey) : nil
        }
    }

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: The logger's label; used as the service name when `service` is `nil`.
    ///   - service: The `service` of every record.
    ///   - format: JSON (the default) or the console format; ``LogFormat/automatic(for:)`` picks by sink.
    ///   - sink: Where lines go; standard output by default.
    ///   - logLevel: The minimum level written.
    ///   - metadataProvider: Extra metadata read at each log call; defaults to the one bootstrapped.
    ///   - suppressedMetadataKeys: Metadata keys never written.
    public init(
        label: String,
        service: String? = nil,
        format: LogFormat = .json,
        sink: any LogSink = FileDescriptorLogSink.standardOutput,
        logLevel: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        suppressedMetadataKeys: Set<String> = StructuredLogHandler.defaultSuppressedMetadataKeys
    ) {
        self.settings = Settings(
            service: service ?? label,
            source: "backend",
            format: format,
            sink: sink,
            suppressedMetadataKeys: Array(suppressedMetadataKeys)
        )
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    public func log(event: LogEvent) {
        let entry = LogEntry(
            event: event,
            handlerMetadata: storedMetadata,
            provider: metadataProvider,
            suppressedKeys: settings.suppressedMetadataKeys
        )
        switch settings.format {
        case .json:
            JSONWriter.withTemporaryWriter { writer in
                settings.serviceAndSourceJSON.withUnsafeBufferPointer {
                    JSONLineEncoder.encode(entry, serviceAndSource: $0, into: &writer)
                }
                writer.withBytes { settings.sink.write(bytes: $0) }
            }
        case .console(let colour):
            settings.sink.write(ConsoleLineEncoder.encode(entry, service: settings.service, colour: colour))
        }
    }

    /// Whether the handler's own metadata can show up in a record: it holds a key that is not
    /// suppressed, or a promoted one.
    var contributesMetadata: Bool {
        storedMetadata.contains {
            LogEntry.PromotedKey.of($0.key) != nil || !LogEntry.isSuppressed($0.key, in: settings.suppressedMetadataKeys)
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get {
            settings.keepsAside(key) ? hummingbirdRequestID : storedMetadata[key]
        }
        set {
            if settings.keepsAside(key) {
                hummingbirdRequestID = newValue
            } else {
                storedMetadata[key] = newValue
            }
        }
    }
}
