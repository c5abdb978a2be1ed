/// Why one input record was not stored; `reason` is reported to the sender.
struct RecordRejection: Error, Equatable {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
