/// The records decoded from one request body or stream batch, and the lines that were rejected.
struct DecodedBatch: Sendable {
    /// A rejected line: its number (from 1) and why.
    struct LineError: Sendable, Equatable {
        var line: Int
        var reason: String
    }

    /// Most line errors listed individually; further ones are only counted.
    static let maximumListedErrors = 100

    var records: [LogRecord] = []
    var errors: [LineError] = []
    var rejected = 0

    mutating func reject(line: Int, reason: String) {
        rejected += 1
        if errors.count < Self.maximumListedErrors { errors.append(LineError(line: line, reason: reason)) }
    }
}
