import Foundation
import Logging

@testable import TraceReceiver

/// Shared helpers for the capture parser tests.
enum CaptureParsing {
    /// 2026-11-23T14:48:22Z, an arbitrary "now".
    static let receivedAt: Int64 = 1_795_445_302_000_000

    static let parser = CaptureParser(service: "wrapped", timeZone: TimeZone(identifier: "UTC")!)

    static func parse(_ line: String) -> LogRecord { parser.parse(line, receivedAt: receivedAt) }

    /// Microseconds since the epoch of an RFC 3339 text.
    static func micros(_ text: String) -> Int64 { RecordTime.parse(Array(text.utf8))! }

    /// The record the receiver itself decodes from `line` (as the library's stream would deliver it).
    static func receiverDecoded(_ line: String) -> LogRecord? {
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            try? RecordDecoder(source: .backend, defaultService: "wrapped").decode(buffer, now: receivedAt).get()
        }
    }

    /// The fields object decoded for comparison.
    static func fields(_ record: LogRecord) -> [String: Any] {
        guard let text = record.fields, let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }
}
