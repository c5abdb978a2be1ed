/// Cuts a byte stream (a pipe's chunks) into lines: the bytes before each `\n`, without a trailing `\r`.
///
/// A line longer than ``maximumLineBytes`` is delivered in pieces of that size, so a program that
/// never prints a newline cannot make the buffer grow without limit.
public struct LineSplitter: Sendable {
    /// Default bound on one line.
    public static let defaultMaximumLineBytes = 48 * 1024

    /// Longest line delivered whole.
    public let maximumLineBytes: Int
    private var partial: [UInt8] = []

    /// Creates a splitter.
    public init(maximumLineBytes: Int = LineSplitter.defaultMaximumLineBytes) {
        self.maximumLineBytes = max(1, maximumLineBytes)
    }

    /// Appends a chunk and returns the lines it completed, in order.
    public mutating func append(_ chunk: some Collection<UInt8>) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                lines.append(takeLine())
            } else {
                partial.append(byte)
                if partial.count >= maximumLineBytes { lines.append(takeLine()) }
            }
        }
        return lines
    }

    /// The unterminated rest, at end of input (or `nil` when there is none).
    public mutating func finish() -> [UInt8]? {
        partial.isEmpty ? nil : takeLine()
    }

    private mutating func takeLine() -> [UInt8] {
        defer { partial.removeAll(keepingCapacity: true) }
        if partial.last == UInt8(ascii: "\r") { return Array(partial.dropLast()) }
        return partial
    }
}
