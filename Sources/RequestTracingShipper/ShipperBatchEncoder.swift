import RequestTracing

/// Builds the stream message `{"batch":k,"records":[…]}` from encoded lines, stamping each record with
/// the shipper's `instance` and a sequence number so a replayed batch is recognised by the receiver.
///
/// A line that starts with an `instance` member of its own keeps it (and its `seq`), unstamped: a
/// capture that names each line by where it was read (trace-receiver's file tail names it by the
/// file's generation and the line's offset) lets the receiver recognise a line read twice, which a
/// number given at shipping could not.
struct ShipperBatchEncoder {
    /// This process's instance id (a UUIDv7), unique per shipper.
    let instance: String
    /// The next record's sequence number.
    private(set) var nextSequence: UInt64 = 1

    init(instance: String) {
        self.instance = instance
    }

    /// The message for batch `number` holding `lines` (each a JSON object, optionally newline-terminated).
    mutating func encode(batch number: UInt64, lines: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lines.reduce(64) { $0 + $1.count + instance.utf8.count + 32 })
        bytes.append(contentsOf: Self.batchPrefix)
        bytes.append(contentsOf: String(number).utf8)
        bytes.append(contentsOf: #","records":["#.utf8)
        var first = true
        for line in lines {
            guard let body = Self.objectBody(line) else { continue }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            if body.starts(with: Self.ownInstance) {
                bytes.append(UInt8(ascii: "{"))
                bytes.append(contentsOf: body)
                bytes.append(UInt8(ascii: "}"))
                continue
            }
            bytes.append(contentsOf: #"{"instance":""#.utf8)
            bytes.append(contentsOf: instance.utf8)
            bytes.append(contentsOf: #"","seq":"#.utf8)
            bytes.append(contentsOf: String(nextSequence).utf8)
            nextSequence += 1
            if !body.isEmpty { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: body)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(contentsOf: "]}".utf8)
        return bytes
    }

    /// `message` (one this encoder wrote) as batch `number`, or `nil` when it does not begin as such a
    /// message does. The receiver acknowledges the number a message names, so a batch moved into another
    /// spool must name its number there.
    static func renumbered(_ message: [UInt8], as number: UInt64) -> [UInt8]? {
        let prefix = Self.batchPrefix
        guard message.starts(with: prefix) else { return nil }
        var end = prefix.count
        while end < message.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(message[end]) { end += 1 }
        guard end > prefix.count, end < message.count, message[end] == UInt8(ascii: ",") else { return nil }
        var renumbered = prefix
        renumbered.reserveCapacity(message.count + 20)
        renumbered.append(contentsOf: String(number).utf8)
        renumbered.append(contentsOf: message[end...])
        return renumbered
    }

    /// How a message begins, before its batch number.
    private static let batchPrefix = Array(#"{"batch":"#.utf8)

    /// How a line that names itself begins, after its opening brace.
    private static let ownInstance = Array(#""instance":"#.utf8)

    /// The bytes between a line's outer braces, or `nil` when the line is not a JSON object (a sink
    /// given console-format lines, say), which is skipped rather than sent as a broken message.
    static func objectBody(_ line: [UInt8]) -> ArraySlice<UInt8>? {
        var end = line.endIndex
        while end > line.startIndex, line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        guard end - line.startIndex >= 2, line[line.startIndex] == UInt8(ascii: "{"), line[end - 1] == UInt8(ascii: "}") else { return nil }
        return line[(line.startIndex + 1)..<(end - 1)]
    }
}
