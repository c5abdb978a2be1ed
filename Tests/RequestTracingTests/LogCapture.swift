import Foundation
import Logging
import Synchronization
import Testing
@testable import RequestTracing

/// A sink that keeps the exact bytes of every line (newline included), for tests that check framing.
final class RawLogSink: LogSink {
    private let storage = Mutex<[[UInt8]]>([])

    func write(_ line: [UInt8]) {
        storage.withLock { $0.append(line) }
    }

    var lines: [[UInt8]] {
        storage.withLock { $0 }
    }
}

/// The logger every logging test uses: JSON to an in-memory sink, everything from `.trace` up.
func makeTestLogger(sink: InMemoryLogSink, label: String = "test") -> Logger {
    Logger(label: label) { StructuredLogHandler(label: $0, service: "svc", sink: sink, logLevel: .trace) }
}

/// Parses one emitted line as a JSON object, failing the test when it is not one.
func parseRecord(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(object as? [String: Any], "not a JSON object: \(line)", sourceLocation: sourceLocation)
}

/// Parses the only line the sink holds.
func onlyRecord(_ sink: InMemoryLogSink, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let lines = sink.lines
    try #require(lines.count == 1, "expected exactly one line, got \(lines)", sourceLocation: sourceLocation)
    return try parseRecord(lines[0], sourceLocation: sourceLocation)
}

/// An error with a known description, for `error:` and `TracedError` tests.
struct SampleFailure: Error, CustomStringConvertible, Equatable {
    var code: Int = 7
    var description: String { "sample failure \(code)" }
}

/// The W3C Trace Context specification's example values.
enum W3CExample {
    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let parentID = "00f067aa0ba902b7"
}
