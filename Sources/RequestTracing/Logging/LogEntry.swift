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
        event: borrowing LogEvent,
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

    /// Calls `promoted` once for each promoted key that has a value and `field` once per field key, each
    /// with the value that wins (precedence applied), reading every metadata source once. Promoted keys
    /// come in no particular order; fields come in source order (call site, provider, handler, error),
    /// suppressed keys skipped.
    func forEachValue(
        promoted: (PromotedKey, Logger.MetadataValue) -> Void,
        field: (String, Logger.MetadataValue) -> Void
    ) {
        var seen: UInt16 = 0
        if let errorDescription {
            promoted(.error, .string(errorDescription))
            seen |= PromotedKey.error.bit
        }
        if let errorTypeName {
            promoted(.errorType, .string(errorTypeName))
            seen |= PromotedKey.errorType.bit
        }
        // Highest precedence first: a promoted key already seen is skipped, and a field is skipped when a
        // source of higher precedence has the key.
        func visit(_ metadata: Logger.Metadata, shadowed: (String) -> Bool) {
            for (key, value) in metadata {
                if let key = PromotedKey.of(key) {
                    guard seen & key.bit == 0 else { continue }
                    seen |= key.bit
                    promoted(key, value)
                } else if !Self.isSuppressed(key, in: suppressedKeys), !shadowed(key) {
                    field(key, value)
                }
            }
        }
        if let callMetadata {
            visit(callMetadata) { _ in false }
        }
        if let providedMetadata {
            visit(providedMetadata) { callMetadata?[$0] != nil }
        }
        if let handlerMetadata {
            visit(handlerMetadata) { callMetadata?[$0] != nil || providedMetadata?[$0] != nil }
        }
        if let errorFields {
            for (key, value) in errorFields
            where callMetadata?[key] == nil && providedMetadata?[key] == nil && handlerMetadata?[key] == nil {
                field(key, value)
            }
        }
    }

    /// Calls `body` once per field key (precedence applied), skipping promoted and suppressed keys.
    func forEachField(_ body: (String, Logger.MetadataValue) -> Void) {
        forEachValue(promoted: { _, _ in }, field: body)
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
