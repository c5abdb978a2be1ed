/// The header before each batch in a spool segment file (see ``SpoolSegment``), little-endian.
///
/// A segment begins with a ``SpoolSegmentHeader`` naming its generation; each batch after it is a
/// ``SpoolEntryHeader`` followed by the batch's message. An entry counts only when its generation is the
/// segment's and its checksum matches: entries left from an earlier use of a recycled segment, and one
/// whose write a crash cut short (its header is written after its message), are not batches.
struct SpoolEntryHeader: Equatable {
    /// What became of a batch, kept in place in its header.
    enum State: UInt32 {
        /// Not acknowledged yet: replayed after a restart.
        case pending = 0
        /// Acknowledged, or dropped for space: never replayed.
        case done = 1
    }

    static let size = 40
    /// Where ``state`` sits, from the header's start (rewritten alone when the batch is done).
    static let stateOffset = 4
    static let magic: UInt32 = 0x4553_5254  // "TRSE"

    var state: State
    var generation: UInt64
    var number: UInt64
    var records: Int
    var length: Int
    var checksum: UInt64

    /// The header's bytes.
    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.size)
        bytes.appendLittleEndian(Self.magic)
        bytes.appendLittleEndian(state.rawValue)
        bytes.appendLittleEndian(generation)
        bytes.appendLittleEndian(number)
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: records))
        bytes.appendLittleEndian(UInt32(truncatingIfNeeded: length))
        bytes.appendLittleEndian(checksum)
        return bytes
    }

    /// Reads a header from the start of `bytes`, or `nil` when there is none (short, wrong magic, unknown
    /// state).
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.size, bytes.loadLittleEndian(UInt32.self, at: 0) == Self.magic,
            let state = State(rawValue: bytes.loadLittleEndian(UInt32.self, at: 4))
        else { return nil }
        self.state = state
        generation = bytes.loadLittleEndian(UInt64.self, at: 8)
        number = bytes.loadLittleEndian(UInt64.self, at: 16)
        records = Int(bytes.loadLittleEndian(UInt32.self, at: 24))
        length = Int(bytes.loadLittleEndian(UInt32.self, at: 28))
        checksum = bytes.loadLittleEndian(UInt64.self, at: 32)
    }

    init(state: State, generation: UInt64, number: UInt64, records: Int, length: Int, checksum: UInt64) {
        self.state = state
        self.generation = generation
        self.number = number
        self.records = records
        self.length = length
        self.checksum = checksum
    }

    /// The bytes of ``State/done`` as written over ``stateOffset``.
    static let doneBytes: [UInt8] = {
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(State.done.rawValue)
        return bytes
    }()

    /// A 64-bit checksum of a message: catches a torn or overwritten message, not tampering. Reads eight
    /// bytes at a time (about 0.1 ms for a 1 MiB batch), so it costs little beside writing the batch.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
        let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        var hash = prime1 &+ UInt64(bytes.count)
        var index = 0
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            hash = ((hash &+ word &* prime2).rotatedLeft(by: 31)) &* prime1
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        hash = ((hash &+ tail &* prime2).rotatedLeft(by: 31)) &* prime1
        hash ^= hash >> 33
        hash = hash &* prime2
        return hash ^ (hash >> 29)
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}
