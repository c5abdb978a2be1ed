import Logging

/// One log event gathered from everywhere it draws data: the call site, the metadata provider, the
/// handler's own metadata and the task's ``RequestTraceContext``.
///
/// Keys of the record's top level (``PromotedKey``) are lifted out of metadata; every other key becomes
/// a field. When a key appears in several places the call site wins over the provider, which wins over
/// the handler's metadata, and explicit metadata wins over the bound context; an `error:` passed to the
/// log call wins over `error` / `error_type` metadata. Nothing is merged into a new dictionary and no
/// value is copied out: sources are read in place, which keeps a log call free of dictionary work.
struct LogEntry {
    /// Metadata keys that are record fields of their own rather than entries of `fields`.
    enum PromotedKey: String, CaseIterable {
        case event, requestID = "request_id", traceID = "trace_id", spanID = "span_id"
        case parentSpanID = "parent_span_id", durationMS = "duration_ms", error, errorType = "error_type", stack

        /// Classifies a metadata key. Checks the length and the first byte before comparing strings, so
        /// most field keys are rejected without a string comparison.
        @inline(__always)
        static func of(_ key: String) -> PromotedKey? {
            let utf8 = key.utf8
            let candidate: PromotedKey? =
                switch (utf8.count, utf8.first ?? 0) {
                case (5, UInt8(ascii: "e")): key == "event" ? .event : (key == "error" ? .error : nil)
                case (5, UInt8(ascii: "s")): .stack
                case (7, UInt8(ascii: "s")): .spanID
                case (8, UInt8(ascii: "t")): .traceID
                case (10, UInt8(ascii: "r")): .requestID
                case (10, UInt8(ascii: "e")): .errorType
                case (11, UInt8(ascii: "d")): .durationMS
                case (14, UInt8(ascii: "p")): .parentSpanID
                default: nil
                }
            guard let candidate, key == candidate.rawValue else { return nil }
            return candidate
        }

        /// This key's bit in a ``PromotedKeySet``.
        var bit: UInt16 {
            switch self {
            case .event: 1 << 0
            case .requestID: 1 << 1
            case .traceID: 1 << 2
            case .spanID: 1 << 3
            case .parentSpanID: 1 << 4
            case .durationMS: 1 << 5
            case .error: 1 << 6
            case .errorType: 1 << 7
            case .stack: 1 << 8
            }
        }
    }

    let timestamp: UTCTimestamp
    let level: Logger.Level
    let message: String
    let trace: RequestTraceContext?
    /// `error` and `error_type` from an `error:` passed to the log call.
    private var errorDescription: String?
    private var errorTypeName: String?
    /// Fields contributed by an error (e.g. a ``TracedError``'s context).
    private(set) var errorFields: Logger.Metadata?

    // Each source is nil when it contributes nothing, so the common case (call-site metadata only)
    // never looks a key up in another source.
    private let callMetadata: Logger.Metadata?
    private let providedMetadata: Logger.Metadata?
    private let handlerMetadata: Logger.Metadata?
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
        self.suppressedKeys = suppressedKeys
        self.callMetadata = event.metadata.flatMap { $0.isEmpty ? nil : $0 }
        let provided = provider?.get()
        self.providedMetadata = provided.flatMap { $0.isEmpty ? nil : $0 }
        // Hummingbird puts `hb.request.id` (suppressed by default) in every request's logger: a handler
        // whose metadata is only suppressed keys is treated as having none.
        let contributes = handlerMetadata.contains {
            PromotedKey.of($0.key) != nil || !Self.isSuppressed($0.key, in: suppressedKeys)
        }
        self.handlerMetadata = contributes ? handlerMetadata : nil
        if let error = event.error { record(error) }
    }

    /// The value of a promoted key, precedence applied.
    subscript(_ key: PromotedKey) -> Logger.MetadataValue? {
        if key == .error, let errorDescription { return .string(errorDescription) }
        if key == .errorType, let errorTypeName { return .string(errorTypeName) }
        let name = key.rawValue
        return callMetadata?[name] ?? providedMetadata?[name] ?? handlerMetadata?[name]
    }

    /// Calls `body` once for each promoted key that has a value, with the value that wins (precedence
    /// applied), in no particular order.
    func forEachPromoted(_ body: (PromotedKey, Logger.MetadataValue) -> Void) {
        var seen: UInt16 = 0
        if let errorDescription {
            body(.error, .string(errorDescription))
            seen |= PromotedKey.error.bit
        }
        if let errorTypeName {
            body(.errorType, .string(errorTypeName))
            seen |= PromotedKey.errorType.bit
        }
        // Highest precedence first; a key already seen is skipped.
        func visit(_ metadata: Logger.Metadata?) {
            guard let metadata else { return }
            for (key, value) in metadata {
                guard let promoted = PromotedKey.of(key), seen & promoted.bit == 0 else { continue }
                seen |= promoted.bit
                body(promoted, value)
            }
        }
        visit(callMetadata)
        visit(providedMetadata)
        visit(handlerMetadata)
    }

    /// Calls `body` once per field key (precedence applied), skipping promoted and suppressed keys.
    func forEachField(_ body: (String, Logger.MetadataValue) -> Void) {
        if let callMetadata {
            for (key, value) in callMetadata where isField(key) { body(key, value) }
        }
        if let providedMetadata {
            for (key, value) in providedMetadata where isField(key) && callMetadata?[key] == nil { body(key, value) }
        }
        if let handlerMetadata {
            for (key, value) in handlerMetadata
            where isField(key) && callMetadata?[key] == nil && providedMetadata?[key] == nil {
                body(key, value)
            }
        }
        if let errorFields {
            for (key, value) in errorFields
            where callMetadata?[key] == nil && providedMetadata?[key] == nil && handlerMetadata?[key] == nil {
                body(key, value)
            }
        }
    }

    @inline(__always)
    private func isField(_ key: String) -> Bool {
        PromotedKey.of(key) == nil && !Self.isSuppressed(key, in: suppressedKeys)
    }

    /// Whether `key` is one of `suppressedKeys`; lengths are compared before strings.
    @inline(__always)
    static func isSuppressed(_ key: String, in suppressedKeys: [String]) -> Bool {
        let count = key.utf8.count
        for suppressed in suppressedKeys where suppressed.utf8.count == count && suppressed == key {
            return true
        }
        return false
    }

    private mutating func record(_ error: any Error) {
        if let traced = error as? TracedError {
            errorDescription = traced.description
            errorTypeName = traced.causeType
            if !traced.context.isEmpty {
                errorFields = ["error_context": .dictionary(traced.context.mapValues { .string($0) })]
            }
        } else {
            errorDescription = String(describing: error)
            errorTypeName = String(reflecting: type(of: error))
        }
    }
}
