/// Why the MCP tools could not read records from their ``ObservationSource``.
enum ObservationError: Error, CustomStringConvertible, Equatable {
    /// The receiver's query API answered with an error status.
    case receiverAnswered(status: Int, message: String)
    /// The receiver's answer was not the JSON the query API documents.
    case unreadableAnswer(path: String, reason: String)

    /// A stable machine code.
    var code: String {
        switch self {
        case .receiverAnswered: "receiver_error"
        case .unreadableAnswer: "unreadable_answer"
        }
    }

    var description: String {
        switch self {
        case .receiverAnswered(let status, let message): "the receiver answered \(status): \(message)"
        case .unreadableAnswer(let path, let reason): "the receiver's answer to \(path) was unreadable: \(reason)"
        }
    }
}
