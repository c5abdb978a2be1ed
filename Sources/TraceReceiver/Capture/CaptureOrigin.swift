/// Where a captured line was read, named so that reading the same line again gives the same name: a
/// tailer that restarts from a checkpoint saved before its last lines were shipped reads them again.
///
/// The forwarder sends it as the record's `instance` and `seq` (see ``CaptureForwarder``), the pair the
/// receiver deduplicates on exactly, so a line read twice is stored once.
public struct CaptureOrigin: Sendable, Hashable {
    /// Names what the line was read from, e.g. one generation of a followed file (see ``TailedLine/origin``).
    public var instance: String
    /// The line's place in it; unique within ``instance``.
    public var sequence: UInt64

    /// Creates an origin.
    public init(instance: String, sequence: UInt64) {
        self.instance = instance
        self.sequence = sequence
    }
}
