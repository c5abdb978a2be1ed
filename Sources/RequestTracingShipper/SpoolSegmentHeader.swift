/// The header at the start of a spool segment file: its generation, which every entry of the current
/// use repeats.
struct SpoolSegmentHeader: Equatable {
    static let size = 16
    static let magic: UInt32 = 0x4753_5254  // "TRSG"
    static let version: UInt32 = 1

    var generation: UInt64

    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.size)
        bytes.appendLittleEndian(Self.magic)
        bytes.appendLittleEndian(Self.version)
        bytes.appendLittleEndian(generation)
        return bytes
    }

    init(generation: UInt64) {
        self.generation = generation
    }

    /// Reads the header from the start of `bytes`, or `nil` when it is not one this version writes.
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.size, bytes.loadLittleEndian(UInt32.self, at: 0) == Self.magic,
            bytes.loadLittleEndian(UInt32.self, at: 4) == Self.version
        else { return nil }
        generation = bytes.loadLittleEndian(UInt64.self, at: 8)
    }
}
