import Logging

/// What one of the line parsers read from a captured line, before it becomes a ``LogRecord``.
///
/// `nil` means "the line did not say": the parser then fills in the time the line arrived, a level
/// inferred from the text, and the configured service.
struct ParsedLine {
    var timestamp: Int64?
    var level: Logger.Level?
    var service: String?
    var event: String?
    var message: String
    var ids = CorrelationIDs()
    var durationMS: Double?
    var error: String?
    var errorType: String?
    var stack: String?
    var fields = FieldsBuilder()

    init(message: String) {
        self.message = message
    }
}
