import Foundation
import RequestTracing

/// Brings a record that is over the receiver's record limit under it, so it is stored cut rather than
/// refused whole: its longest text (the message, an error, a stack, a field's value) loses its end,
/// replaced by a note of how many bytes were left out. Only such records (rare, and over 64 KiB) take
/// this path, which decodes and re-encodes the line with Foundation.
enum OversizedRecord {
    /// `line` (one JSON object, newline-terminated or not) re-encoded within `limit` bytes with its
    /// newline, or `nil` when it is not a JSON object or cutting its texts cannot bring it under.
    static func cut(_ line: UnsafeRawBufferPointer, toFit limit: Int) -> [UInt8]? {
        guard var record = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else { return nil }
        // One cut is enough when the longest text is long enough (escaping only ever makes the JSON
        // longer than the text); further rounds cut the next longest.
        for _ in 0..<4 {
            guard let encoded = try? JSONSerialization.data(withJSONObject: record, options: [.withoutEscapingSlashes]) else { return nil }
            if encoded.count < limit { return Array(encoded) + [UInt8(ascii: "\n")] }
            guard let (key, inFields, text) = longestText(in: record) else { return nil }
            let (kept, dropped) = text.droppingUTF8Suffix(atLeast: encoded.count - limit + noteRoom)
            let shortened = kept + " [… \(dropped) more bytes of this record not sent: it was over the receiver's limit]"
            if inFields, var fields = record["fields"] as? [String: Any] {
                fields[key] = shortened
                record["fields"] = fields
            } else {
                record[key] = shortened
            }
        }
        return nil
    }

    /// Most bytes the note takes in JSON.
    private static let noteRoom = 96

    /// Members that identify or place the record, never cut.
    private static let kept: Set<String> = [
        "timestamp", "level", "service", "source", "event", "request_id", "trace_id", "span_id", "parent_span_id",
    ]

    /// The longest string member of the record, or of its `fields`.
    private static func longestText(in record: [String: Any]) -> (key: String, inFields: Bool, text: String)? {
        var longest: (key: String, inFields: Bool, text: String)?
        func consider(_ key: String, _ value: Any, inFields: Bool) {
            guard let text = value as? String, text.utf8.count > (longest?.text.utf8.count ?? 0) else { return }
            longest = (key, inFields, text)
        }
        for (key, value) in record where !kept.contains(key) { consider(key, value, inFields: false) }
        for (key, value) in (record["fields"] as? [String: Any]) ?? [:] { consider(key, value, inFields: true) }
        return longest
    }
}
