/// A set of 64-bit fingerprints (hashes), each with two bits of flags: the dedup window's table.
///
/// One `UInt64` per slot holds both the fingerprint (all but its two lowest bits) and its flags, so a
/// lookup, an insert or a removal touches one cache line where a `Dictionary<UInt64, Flags>` touches
/// three (its occupancy bitmap, its keys and its values). With a million fingerprints the table is far
/// larger than the processor's caches and nearly every probe is a miss, so this is most of its cost.
/// ``touch(_:)`` lets a caller load the slots of a whole batch first, so their misses overlap.
///
/// Open addressing with linear probing; removal shifts the entries after it back (no tombstones), so
/// probe lengths stay short however many fingerprints come and go. The table doubles when half full.
/// Two fingerprints that differ only in their two lowest bits are the same fingerprint here.
struct FingerprintTable {
    /// Slots: 0 is empty; otherwise the fingerprint with its lowest two bits replaced by the flags.
    private var slots: [UInt64]
    /// `log2(slots.count)`.
    private var bits: Int
    /// Fingerprints held.
    private(set) var count = 0

    /// A table that holds `minimumCapacity` fingerprints before it first grows.
    init(minimumCapacity: Int = 1024) {
        bits = 4
        while (1 << bits) / 2 < max(1, minimumCapacity) { bits += 1 }
        slots = [UInt64](repeating: 0, count: 1 << bits)
    }

    /// The flags stored with `fingerprint`, or `nil` when it is not held.
    func flags(of fingerprint: UInt64) -> UInt8? {
        let key = Self.key(fingerprint)
        var index = home(key)
        while true {
            let slot = slots[index]
            if slot == 0 { return nil }
            if slot & ~3 == key { return UInt8(slot & 3) }
            index = (index + 1) & mask
        }
    }

    /// Whether `fingerprint` is held.
    func contains(_ fingerprint: UInt64) -> Bool {
        flags(of: fingerprint) != nil
    }

    /// Holds `fingerprint` with `flags` (only the lowest two bits are kept), replacing its earlier flags.
    mutating func set(_ fingerprint: UInt64, flags: UInt8 = 0) {
        let key = Self.key(fingerprint)
        var index = home(key)
        while true {
            let slot = slots[index]
            if slot == 0 { break }
            if slot & ~3 == key {
                slots[index] = key | UInt64(flags & 3)
                return
            }
            index = (index + 1) & mask
        }
        slots[index] = key | UInt64(flags & 3)
        count += 1
        if count * 2 > slots.count { grow() }
    }

    /// Stops holding `fingerprint` (nothing happens when it is not held).
    mutating func remove(_ fingerprint: UInt64) {
        let key = Self.key(fingerprint)
        var hole = home(key)
        while true {
            let slot = slots[hole]
            if slot == 0 { return }
            if slot & ~3 == key { break }
            hole = (hole + 1) & mask
        }
        count -= 1
        // Backward shift: each entry after the hole, up to the next empty slot, moves into the hole when
        // the hole lies on its probe path (between its home slot and where it sits).
        var index = hole
        while true {
            index = (index + 1) & mask
            let slot = slots[index]
            if slot == 0 { break }
            if (index &- home(slot & ~3)) & mask >= (index &- hole) & mask {
                slots[hole] = slot
                hole = index
            }
        }
        slots[hole] = 0
    }

    /// Loads the slot where a lookup of `fingerprint` starts and returns it, for the caller to fold into
    /// a value it keeps: done for a whole batch before its lookups, the cache misses happen side by side
    /// instead of one after another.
    func touch(_ fingerprint: UInt64) -> UInt64 {
        slots[home(Self.key(fingerprint))]
    }

    private var mask: Int { slots.count - 1 }

    /// The fingerprint without its flag bits, never 0 (which marks an empty slot).
    private static func key(_ fingerprint: UInt64) -> UInt64 {
        let key = fingerprint & ~3
        return key == 0 ? 4 : key
    }

    /// Where a key's probe starts: its top bits after a Fibonacci multiply, so keys that are not well
    /// mixed (sequence-like values) still spread over the table.
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
    }

    private mutating func grow() {
        let old = slots
        bits += 1
        slots = [UInt64](repeating: 0, count: 1 << bits)
        for slot in old where slot != 0 {
            var index = home(slot & ~3)
            while slots[index] != 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}
