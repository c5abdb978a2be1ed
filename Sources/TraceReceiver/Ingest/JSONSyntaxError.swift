/// Why a piece of input is not acceptable JSON; `reason` is a human sentence naming the problem and
/// the byte offset where it was found.
struct JSONSyntaxError: Error, Equatable {
    var reason: String
    /// The input was well-formed as far as read but nested deeper than allowed, so the value can still
    /// be stepped over (``JSONScanner/skipUnchecked()``) and its neighbours read.
    var isNestingLimit = false

    init(_ reason: String) {
        self.reason = reason
    }

    init(_ problem: String, at offset: Int) {
        self.reason = "\(problem) at byte \(offset + 1)"
    }
}
