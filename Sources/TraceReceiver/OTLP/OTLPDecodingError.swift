/// Why an OTLP request body could not be read (answered 400, naming the problem).
struct OTLPDecodingError: Error, Equatable, CustomStringConvertible {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    var description: String { reason }
}
