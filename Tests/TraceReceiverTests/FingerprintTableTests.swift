import Testing

@testable import TraceReceiver

@Suite("FingerprintTable: the dedup window's table of fingerprints")
struct FingerprintTableTests {
    /// A deterministic generator (SplitMix64), so a failure replays the same operations.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func agreesWithADictionaryThroughInsertsUpdatesRemovalsAndGrowth() {
        var random = SplitMix(state: 7)
        var table = FingerprintTable(minimumCapacity: 8)
        var model: [UInt64: UInt8] = [:]
        // Few distinct keys (a pool of 3,000, low bits cleared as the table ignores them), so keys come
        // back after removal and removals often land in long probe runs.
        let pool = (0..<3000).map { _ in random.next() & ~3 }
        for step in 0..<200_000 {
            let key = pool[Int(random.next() % UInt64(pool.count))]
            switch random.next() % 3 {
            case 0:
                table.remove(key)
                model[key] = nil
            default:
                let flags = UInt8(random.next() % 4)
                table.set(key, flags: flags)
                model[key] = flags
            }
            if step % 10_000 == 0 {
                #expect(table.count == model.count)
                #expect(pool.allSatisfy { table.flags(of: $0) == model[$0] })
            }
        }
        #expect(table.count == model.count)
        #expect(pool.allSatisfy { table.flags(of: $0) == model[$0] })
    }

    @Test func keysThatCollideOnTheirHomeSlotSurviveTheRemovalOfAnyOfThem() {
        // Six keys whose home is the last of the table's 16 slots (their product with the table's
        // multiplier has the same top four bits), so their probe run wraps round to the first slots.
        let inverse: UInt64 = 0xF1DE_83E1_9937_733D  // the multiplier's inverse modulo 2^64
        let sameHome = (1...6).map { ((0xF << 60) + (UInt64($0) << 20)) &* inverse }
        for removed in sameHome.indices {
            var table = FingerprintTable(minimumCapacity: 8)
            for key in sameHome { table.set(key, flags: 1) }
            table.remove(sameHome[removed])
            for (index, key) in sameHome.enumerated() {
                #expect(table.contains(key) == (index != removed), "removed \(removed), key \(index)")
            }
        }
    }

    @Test func fingerprintsDifferingOnlyInTheirFlagBitsAreOne() {
        var table = FingerprintTable()
        table.set(0x1000, flags: 2)
        table.set(0x1003, flags: 1)
        #expect(table.count == 1)
        #expect(table.flags(of: 0x1001) == 1)
        table.set(0, flags: 3)  // zero marks an empty slot inside the table, and is still held
        #expect(table.flags(of: 0) == 3)
        table.remove(0x1002)
        #expect(!table.contains(0x1000))
        #expect(table.count == 1)
    }
}

@Suite("DedupWindow: which records are the same record")
struct DedupWindowTests {
    func keys(_ content: UInt64, exact: UInt64? = nil, capture: Bool = false) -> DedupKeys {
        // Shifted: the table ignores a fingerprint's two lowest bits.
        DedupKeys(exact: exact.map { $0 << 2 }, content: content << 2, isCapture: capture)
    }

    @Test func aBatchAdmitsEachRecordOnceAndCatchesDuplicatesInsideIt() {
        var window = DedupWindow(window: .seconds(60), capacity: 100)
        let admitted = window.admit([keys(1), keys(2), keys(1), keys(3, exact: 9), keys(4, exact: 9)], now: 0)
        #expect(admitted == [true, true, false, true, false])
        #expect(window.admit([keys(2), keys(5)], now: 1) == [false, true])
        #expect(window.count == 4)
    }

    @Test func theOldestAreForgottenPastTheCapacityAndTheWindow() {
        var window = DedupWindow(window: .seconds(1), capacity: 3)
        #expect(window.admit((1...5).map { keys($0) }, now: 0) == Array(repeating: true, count: 5))
        #expect(window.count == 3)
        // 1 and 2 were pushed out by capacity; 3, 4 and 5 are still remembered, until 1 comes back and
        // pushes out 3.
        #expect(window.admit([keys(3), keys(5), keys(1), keys(3)], now: 10) == [false, false, true, true])
        // Two seconds later every one of them has left the window.
        #expect(window.admit([keys(3), keys(4), keys(5)], now: 2_000_020) == [true, true, true])
    }

    @Test func aCapturedCopyOfAStreamedRecordIsADuplicateButTwoStreamedOnesAreNot() {
        var window = DedupWindow(window: .seconds(60), capacity: 100)
        #expect(window.admit([keys(1, exact: 10), keys(1, exact: 11)], now: 0) == [true, true])
        #expect(window.admit([keys(1, capture: true), keys(2, capture: true)], now: 0) == [false, true])
        #expect(window.admit([keys(2, exact: 12)], now: 0) == [false])
        #expect(window.admit([keys(2, capture: true)], now: 0) == [false])
    }

    @Test func aRemovedRecordIsAdmittedAgain() {
        var window = DedupWindow(window: .seconds(60), capacity: 100)
        #expect(window.admit([keys(1, exact: 5)], now: 0) == [true])
        window.remove(keys(1, exact: 5))
        #expect(window.admit([keys(1, exact: 5)], now: 0) == [true])
    }
}
