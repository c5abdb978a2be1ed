/// A position in a followed file that survives a restart of the tailer.
///
/// A checkpoint names the file by its device and inode number, so a file that was rotated away while
/// the tailer was stopped is not mistaken for the one now at the path, and by a hash of its first
/// bytes (up to ``FileTailer/Configuration/fingerprintLength``), so a new file that happens to reuse
/// the old inode number is not mistaken for it either. Both cases restart at the beginning of the
/// file now at the path.
public struct TailCheckpoint: Sendable, Hashable, Codable {
    /// The device of the file (`st_dev`).
    public var device: UInt64
    /// The inode number of the file (`st_ino`).
    public var inode: UInt64
    /// The byte offset to resume reading at: just after the last line handled.
    public var offset: UInt64
    /// How many bytes from the start of the file ``fingerprint`` covers.
    public var fingerprintLength: Int
    /// A stable hash of the file's first ``fingerprintLength`` bytes.
    public var fingerprint: UInt64
    /// The name of this generation of the file: every line read from it carries it in its
    /// ``TailedLine/origin``. It is derived from the generation before it at the same path (after a
    /// rotation or truncation), the file's device, inode and first line, and the host, so a tailer
    /// resumed from this checkpoint names the lines it reads again as the first run did, and one that
    /// finds the file replaced names the new file as the first run named it when it saw the rotation.
    /// `nil` in checkpoints saved before generations existed.
    public var generation: UInt64?

    /// Creates a checkpoint.
    public init(device: UInt64, inode: UInt64, offset: UInt64, fingerprintLength: Int, fingerprint: UInt64, generation: UInt64? = nil) {
        self.device = device
        self.inode = inode
        self.offset = offset
        self.fingerprintLength = fingerprintLength
        self.fingerprint = fingerprint
        self.generation = generation
    }

    enum CodingKeys: String, CodingKey {
        case device, inode, offset
        case fingerprintLength = "fingerprint_length"
        case fingerprint
        case generation
    }
}
