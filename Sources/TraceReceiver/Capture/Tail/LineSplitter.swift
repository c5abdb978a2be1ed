/// Cuts a byte stream into lines, remembering the offset just after each one.
///
/// A line without its newline yet is held until the newline arrives (or ``flush(at:)`` is called);
/// past `maximumLineLength` bytes the rest of the line is skipped (and counted), so memory stays
/// bounded whatever the input.
public struct LineSplitter: Sendable {
    /// A line found in the stream.
    public struct Line: Sendable {
        /// The line's bytes, without `\n` (and without a `\r` before it).
        public var bytes: [UInt8]
        /// How many bytes past the maximum length were skipped.
        public var skippedBytes: Int
        /// Offset just after the line's newline (or after its last byte, for a flushed partial line).
        public var endOffset: UInt64

        /// Whether bytes past the maximum length were skipped.
        public var isTruncated: Bool { skippedBytes > 0 }
    }

    /// Longest line kept whole; the rest of a longer line is skipped.
    public let maximumLineLength: Int
    private var pending: [UInt8] = []
    private var pendingSkipped = 0
    private var pendingHasBytes = false

    /// Creates a splitter keeping at most `maximumLineLength` bytes of a line.
    public init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    /// Whether part of a line is held, waiting for its newline.
    public var hasPartialLine: Bool { pendingHasBytes }

    /// Splits `chunk`, whose first byte is at `startOffset` in the stream, appending complete lines.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, startingAt startOffset: UInt64, into lines: inout [Line]) {
        let bytes = chunk.bindMemory(to: UInt8.self)
        var lineStart = 0
        let count = bytes.count
        while lineStart < count {
            guard let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else {
                append(UnsafeBufferPointer(rebasing: bytes[lineStart..<count]))
                return
            }
            append(UnsafeBufferPointer(rebasing: bytes[lineStart..<newline]))
            lines.append(takeLine(endOffset: startOffset + UInt64(newline + 1), terminated: true))
            lineStart = newline + 1
        }
    }

    /// The held partial line as a line ending at `endOffset`, if there is one.
    public mutating func flush(at endOffset: UInt64) -> Line? {
        guard pendingHasBytes else { return nil }
        return takeLine(endOffset: endOffset, terminated: false)
    }

    /// Forgets the held partial line.
    public mutating func reset() {
        pending = []
        pendingSkipped = 0
        pendingHasBytes = false
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard !bytes.isEmpty else { return }
        pendingHasBytes = true
        let room = maximumLineLength - pending.count
        if bytes.count <= room {
            pending.append(contentsOf: bytes)
        } else {
            if room > 0 { pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<(bytes.startIndex + room)])) }
            pendingSkipped += bytes.count - max(0, room)
        }
    }

    private mutating func takeLine(endOffset: UInt64, terminated: Bool) -> Line {
        var bytes = pending
        if terminated, pendingSkipped == 0, bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        let line = Line(bytes: bytes, skippedBytes: pendingSkipped, endOffset: endOffset)
        // A fresh array rather than `removeAll(keepingCapacity:)`: the line shares the old storage, and
        // keeping the capacity of one over-long line would copy that much for every later line.
        pending = []
        pendingSkipped = 0
        pendingHasBytes = false
        return line
    }
}
