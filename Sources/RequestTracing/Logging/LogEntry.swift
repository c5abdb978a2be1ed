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
    }

    let timestamp: UTCTimestamp
    let level: Logger.Level
    let message: String
    let trace: RequestTraceContext?
    private(set) var promoted: [Logger.MetadataValue?] = Array(repeating: nil, count: PromotedKey.allCases.count)
    /// Fields contributed by an error (e.g. a ``TracedError``'s context).
    private(set) var errorFields: Logger.Metadata?

    private let callMetadata: Logger.Metadata?
    private let providedMetadata: Logger.Metadata?
    private let handlerMetadata: Logger.Metadata
    private let suppressedKeys: Set<String>

    init(
        event: LogEvent,
        handlerMetadata: Logger.Metadata,
        provider: Logger.MetadataProvider?,
        suppressedKeys: Set<String>,
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
        promoted[Self.index(of: key)]
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

    /// Whether there is at least one field to write.
    var hasFields: Bool {
        var found = false
        forEachField { _, _ in found = true }
        return found
    }

    private func isField(_ key: String) -> Bool {
        PromotedKey(rawValue: key) == nil && !suppressedKeys.contains(key)
    }

    private mutating func liftPromoted(from metadata: Logger.Metadata) {
        for (key, value) in metadata {
            if let promotedKey = PromotedKey(rawValue: key) { promoted[Self.index(of: promotedKey)] = value }
        }
    }

    private mutating func record(_ error: any Error) {
        if let traced = error as? TracedError {
            promoted[Self.index(of: .error)] = .string(traced.description)
            promoted[Self.index(of: .errorType)] = .string(traced.causeType)
            if !traced.context.isEmpty {
                errorFields = ["error_context": .dictionary(traced.context.mapValues { .string($0) })]
            }
        } else {
            promoted[Self.index(of: .error)] = .string(String(describing: error))
            promoted[Self.index(of: .errorType)] = .string(String(reflecting: type(of: error)))
        }
    }

    @inline(__always)
    private static func index(of key: PromotedKey) -> Int {
        switch key {
        case .event: 0
        case .requestID: 1
        case .traceID: 2
        case .spanID: 3
        case .parentSpanID: 4
        case .durationMS: 5
        case .error: 6
        case .errorType: 7
        case .stack: 8
        }
    }
}
