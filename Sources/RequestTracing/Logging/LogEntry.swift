import Logging

/// One log event gathered from everywhere it draws data: the call site, the metadata provider, the
/// handler's own metadata and the task's ``RequestTraceContext``.
///
/// Keys of the record's top level (``PromotedKey``) are lifted out of metadata; every other key becomes
/// a field. When a key appears in several places the call site wins over the provider, which wins over
/// the handler's metadata, and explicit metadata wins over the bound context. Nothing is merged into a
/// new dictionary: sources are read in place, which keeps a log call free of dictionary allocations.
struct LogEntry {
    /// Metadata keys that are record fields of their own rather than entries of `fields`.
    enum PromotedKey: String, CaseIterable {
        case event, requestID = "request_id", traceID = "trace_id", spanID = "span_id"
        case parentSpanID = "parent_span_id", durationMS = "duration_ms", error, errorType = "error_type", stack

        /// Classifies a metadata key. Checks the length first so that most field keys are rejected
        /// without a string comparison (the synthesized `init(rawValue:)` compares against every case).
        @inline(__always)
        static func of(_ key: String) -> PromotedKey? {
            switch key.utf8.count {
            case 5: key == "event" ? .event : (key == "error" ? .error : (key == "stack" ? .stack : nil))
            case 7: key == "span_id" ? .spanID : nil
            case 8: key == "trace_id" ? .traceID : nil
            case 10: key == "request_id" ? .requestID : (key == "error_type" ? .errorType : nil)
            case 11: key == "duration_ms" ? .durationMS : nil
            case 14: key == "parent_span_id" ? .parentSpanID : nil
            default: nil
            }
        }
    }

    let timestamp: UTCTimestamp
    let level: Logger.Level
    let message: String
    let trace: RequestTraceContext?
    private var event: Logger.MetadataValue?
    private var requestID: Logger.MetadataValue?
    private var traceID: Logger.MetadataValue?
    private var spanID: Logger.MetadataValue?
    private var parentSpanID: Logger.MetadataValue?
    private var durationMS: Logger.MetadataValue?
    private var error: Logger.MetadataValue?
    private var errorType: Logger.MetadataValue?
    private var stack: Logger.MetadataValue?
    /// Fields contributed by an error (e.g. a ``TracedError``'s context).
    private(set) var errorFields: Logger.Metadata?

    private let callMetadata: Logger.Metadata?
    private let providedMetadata: Logger.Metadata?
    private let handlerMetadata: Logger.Metadata
    private let suppressedKeys: [String]

    init(
        event: LogEvent,
        handlerMetadata: Logger.Metadata,
        provider: Logger.MetadataProvider?,
        suppressedKeys: [String],
        trace: RequestTraceContext? = .current,
        timestamp: UTCTimestamp = .now()
    ) {
        self.timestamp = timestamp
        self.level = event.level
        self.message = event.message.description
        self.trace = trace
        self.callMetadata = event.metadata.flatMap { $0.isEmpty ? nil : $0 }
        let provided = provider?.get()
        self.providedMetadata = provided.flatMap { $0.isEmpty ? nil : $0 }
        self.handlerMetadata = handlerMetadata
        self.suppressedKeys = suppressedKeys
        // Lowest precedence first, so later sources overwrite earlier ones.
        liftPromoted(from: handlerMetadata)
        if let providedMetadata { liftPromoted(from: providedMetadata) }
        if let callMetadata { liftPromoted(from: callMetadata) }
        if let error = event.error { record(error) }
    }

    subscript(_ key: PromotedKey) -> Logger.MetadataValue? {
        get {
            switch key {
            case .event: event
            case .requestID: requestID
            case .traceID: traceID
            case .spanID: spanID
            case .parentSpanID: parentSpanID
            case .durationMS: durationMS
            case .error: error
            case .errorType: errorType
            case .stack: stack
            }
        }
        set {
            switch key {
            case .event: event = newValue
            case .requestID: requestID = newValue
            case .traceID: traceID = newValue
            case .spanID: spanID = newValue
            case .parentSpanID: parentSpanID = newValue
            case .durationMS: durationMS = newValue
            case .error: error = newValue
            case .errorType: errorType = newValue
            case .stack: stack = newValue
            }
        }
    }

    /// Calls `body` once per field key (precedence applied), skipping promoted and suppressed keys.
    func forEachField(_ body: (String, Logger.MetadataValue) -> Void) {
        if let callMetadata {
            for (key, value) in callMetadata where isField(key) { body(key, value) }
        }
        if let providedMetadata {
            for (key, value) in providedMetadata where isField(key) && callMetadata?[key] == nil { body(key, value) }
        }
        for (key, value) in handlerMetadata
        where isField(key) && callMetadata?[key] == nil && providedMetadata?[key] == nil {
            body(key, value)
        }
        if let errorFields {
            for (key, value) in errorFields
            where callMetadata?[key] == nil && providedMetadata?[key] == nil && handlerMetadata[key] == nil {
                body(key, value)
            }
        }
    }

    private func isField(_ key: String) -> Bool {
        PromotedKey.of(key) == nil && !suppressedKeys.contains(key)
    }

    private mutating func liftPromoted(from metadata: Logger.Metadata) {
        for (key, value) in metadata {
            if let promotedKey = PromotedKey.of(key) { self[promotedKey] = value }
        }
    }

    private mutating func record(_ error: any Error) {
        if let traced = error as? TracedError {
            self.error = .string(traced.description)
            self.errorType = .string(traced.causeType)
            if !traced.context.isEmpty {
                errorFields = ["error_context": .dictionary(traced.context.mapValues { .string($0) })]
            }
        } else {
            self.error = .string(String(describing: error))
            self.errorType = .string(String(reflecting: type(of: error)))
        }
    }
}
