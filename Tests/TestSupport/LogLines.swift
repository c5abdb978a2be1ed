import Foundation
import RequestTracing

/// A parsed JSON log record.
public typealias LogRecord = [String: Any]

extension InMemoryLogSink {
    /// Every line parsed as a JSON object; a line that is not one fails the calling test via `throw`.
    public func records() throws -> [LogRecord] {
        try lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? LogRecord else {
                throw LogLineError.notAnObject(line)
            }
            return object
        }
    }

    /// Records whose `event` is `event`.
    public func records(event: String) throws -> [LogRecord] {
        try records().filter { $0["event"] as? String == event }
    }
}

public enum LogLineError: Error {
    case notAnObject(String)
}

extension Dictionary where Key == String, Value == Any {
    /// A value under `fields`.
    public func field(_ name: String) -> Any? {
        (self["fields"] as? [String: Any])?[name]
    }
}
