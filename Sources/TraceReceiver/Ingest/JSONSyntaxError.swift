/// Why a piece of input is not acceptable JSON; `reason` is a human sentence naming the problem and
/// the byte offset where it was found.
struct JSONSyntaxError: Error, Equatable {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    init(_ problem: String, at offset: Int) {
        self.reason = "\(problem) at byte \(offset + 1)"
    }
}
