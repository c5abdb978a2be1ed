/// One complete line read by a ``FileTailer`` or an ``SSHTailer``.
///
/// The bytes exclude the line terminator (`\n`, or `\r\n`). A line longer than the tailer's
/// maximum line length is cut to that length; the rest of it is skipped and counted in ``skippedBytes``.
///
/// ```swift
/// for try await line in tailer.lines() {
///     print(line.text)
///     if let checkpoint = line.checkpoint { try await tailer.commit(checkpoint) }  // once shipped
/// }
/// ```
public struct TailedLine: Sendable, Hashable {
    /// The line's bytes, without the trailing `\n` (and without a `\r` just before it).
    public var bytes: [UInt8]
    /// How many bytes of the line past the limit were skipped (0 for a line kept whole).
    public var skippedBytes: Int
    /// The byte offset just after this line (its newline included) in the file it was read from.
    ///
    /// For an ``SSHTailer`` this is the offset in the remote file as the tailer tracks it.
    public var offset: UInt64
    /// Where to resume after this line, for a ``FileTailer``: pass it to ``FileTailer/commit(_:)``
    /// once the line has been handled. `nil` for remote lines.
    public var checkpoint: TailCheckpoint?
    /// The line's name for deduplication, for a ``FileTailer``: the file's generation (see
    /// ``TailCheckpoint/generation``) and ``offset``, the same however often the line is read, by this
    /// tailer or one restarted from an older checkpoint. `nil` for remote lines.
    public var origin: CaptureOrigin?

    /// Creates a line.
    public init(bytes: [UInt8], skippedBytes: Int = 0, offset: UInt64, checkpoint: TailCheckpoint? = nil, origin: CaptureOrigin? = nil) {
        self.bytes = bytes
        self.skippedBytes = skippedBytes
        self.offset = offset
        self.checkpoint = checkpoint
        self.origin = origin
    }

    /// Whether the line was longer than the limit and has been cut.
    public var isTruncated: Bool { skippedBytes > 0 }

    /// The line decoded as UTF-8 (invalid sequences become U+FFFD).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
