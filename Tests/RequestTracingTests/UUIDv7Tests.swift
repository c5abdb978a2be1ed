import Synchronization
import Testing
@testable import RequestTracing

/// A clock tests can move, forwards or backwards.
final class ManualClock: Sendable {
    private let milliseconds: Atomic<UInt64>

    init(_ start: UInt64) {
        milliseconds = Atomic(start)
    }

    func set(_ value: UInt64) {
        milliseconds.store(value, ordering: .sequentiallyConsistent)
    }

    func read() -> UInt64 {
        milliseconds.load(ordering: .sequentiallyConsistent)
    }
}

struct UUIDv7Tests {
    private static let hexDigits = Set("0123456789abcdef")

    @Test func setsVersionSevenAndVariantTenOnTheValue() {
        for _ in 0..<1000 {
            let id = UUIDv7.generate()
            #expect((id.high >> 12) & 0xF == 7)
            #expect(id.low >> 62 == 0b10)
        }
    }

    @Test func initFromHalvesForcesVersionAndVariantBits() {
        let allOnes = UUIDv7(high: .max, low: .max)
        #expect((allOnes.high >> 12) & 0xF == 7)
        #expect(allOnes.low >> 62 == 0b10)
        #expect(allOnes.high == 0xFFFF_FFFF_FFFF_7FFF)
        #expect(allOnes.low == 0xBFFF_FFFF_FFFF_FFFF)
        let allZeros = UUIDv7(high: 0, low: 0)
        #expect(allZeros.high == 0x7000)
        #expect(allZeros.low == 0x8000_0000_0000_0000)
        #expect(allZeros.description == "00000000-0000-7000-8000-000000000000")
    }

    @Test func stringHasVersionAndVariantCharacters() {
        for _ in 0..<1000 {
            let text = Array(UUIDv7.generate().description)
            #expect(text[14] == "7")
            #expect("89ab".contains(text[19]))
        }
    }

    @Test func stringIsLowercaseCanonical8_4_4_4_12() {
        for _ in 0..<1000 {
            let text = UUIDv7.generate().description
            let groups = text.split(separator: "-", omittingEmptySubsequences: false)
            #expect(text.count == 36)
            #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
            #expect(groups.allSatisfy { $0.allSatisfy(Self.hexDigits.contains) })
        }
    }

    @Test func descriptionOfKnownValue() {
        let id = UUIDv7(high: 0x0123_4567_89AB_7DEF, low: 0x8123_4567_89AB_CDEF)
        #expect(id.description == "01234567-89ab-7def-8123-456789abcdef")
        #expect(id.unixMilliseconds == 0x0123_4567_89AB)
    }

    @Test func parsesItsOwnStringBack() throws {
        for _ in 0..<1000 {
            let id = UUIDv7.generate()
            let parsed = try #require(UUIDv7(id.description))
            #expect(parsed == id)
            #expect(parsed.high == id.high)
            #expect(parsed.low == id.low)
        }
    }

    @Test func parsesUppercaseInput() throws {
        let id = UUIDv7.generate()
        let parsed = try #require(UUIDv7(id.description.uppercased()))
        #expect(parsed == id)
    }

    @Test(arguments: [
        "",
        "01234567-89ab-7def-8123-456789abcde",  // 35 characters
        "01234567-89ab-7def-8123-456789abcdef0",  // 37 characters
        "0123456789ab-7def-8123-456789abcdef-",  // dashes in the wrong places
        "01234567-89ab-4def-8123-456789abcdef",  // version 4
        "01234567-89ab-7def-c123-456789abcdef",  // variant 11
        "01234567-89ab-7def-0123-456789abcdef",  // variant 0
        "01234567-89ab-7def-8123-456789abcdeg",  // not hex
        "01234567_89ab_7def_8123_456789abcdef",
    ])
    func rejectsMalformedOrOtherVersionStrings(_ text: String) {
        #expect(UUIDv7(text) == nil)
    }

    @Test func millionGeneratedIdsAreStrictlyIncreasingAndUnique() {
        let count = 1_000_000
        var seen = Set<UUIDv7>(minimumCapacity: count)
        var previous = UUIDv7.generate()
        var outOfOrder = 0
        seen.insert(previous)
        for _ in 1..<count {
            let id = UUIDv7.generate()
            if !(previous < id) { outOfOrder += 1 }
            seen.insert(id)
            previous = id
        }
        #expect(outOfOrder == 0)
        #expect(seen.count == count)
    }

    @Test func idsWithinOneFixedMillisecondAreStrictlyIncreasing() {
        let fixed: UInt64 = 1_700_000_000_123
        let generator = UUIDv7Generator(clock: { fixed })
        var previous = generator.next()
        #expect(previous.unixMilliseconds == fixed)
        var seen: Set<UUIDv7> = [previous]
        for _ in 0..<10_000 {
            let id = generator.next()
            #expect(previous < id)
            #expect(id.unixMilliseconds == fixed)
            #expect((id.high >> 12) & 0xF == 7)
            #expect(id.low >> 62 == 0b10)
            seen.insert(id)
            previous = id
        }
        #expect(seen.count == 10_001)
    }

    @Test func moreThan65536IdsInOneMillisecondBorrowTheNextMillisecond() {
        let fixed: UInt64 = 1_700_000_000_123
        let generator = UUIDv7Generator(clock: { fixed })
        var previous = generator.next()
        var borrowedAt: Int?
        for index in 1..<70_000 {
            let id = generator.next()
            #expect(previous < id)
            if id.unixMilliseconds != fixed, borrowedAt == nil { borrowedAt = index }
            previous = id
        }
        // 65,536 ids fit in the clock's millisecond; the rest carry into the next one.
        #expect(borrowedAt == 65_536)
        #expect(previous.unixMilliseconds == fixed + 1)
    }

    @Test func idsMadeOnManyThreadsAreUniqueAndIncreasingOnEachThread() async {
        let perTask = 50_000
        let batches = await withTaskGroup(of: (Bool, [UUIDv7]).self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var ids: [UUIDv7] = []
                    ids.reserveCapacity(perTask)
                    var increasing = true
                    for _ in 0..<perTask {
                        let id = UUIDv7.generate()
                        if let last = ids.last, !(last < id) { increasing = false }
                        ids.append(id)
                    }
                    return (increasing, ids)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(batches.allSatisfy { $0.0 })
        #expect(Set(batches.flatMap { $0.1 }).count == 4 * perTask)
    }

    @Test func idsStayIncreasingWhenTheClockGoesBackwards() {
        let clock = ManualClock(1_700_000_000_500)
        let generator = UUIDv7Generator(clock: { clock.read() })
        var previous = generator.next()
        #expect(previous.unixMilliseconds == 1_700_000_000_500)
        clock.set(1_700_000_000_000)  // half a second back
        for _ in 0..<1000 {
            let id = generator.next()
            #expect(previous < id)
            // The generator keeps the last timestamp instead of going back in time.
            #expect(id.unixMilliseconds == 1_700_000_000_500)
            previous = id
        }
        clock.set(1_700_000_000_501)
        let later = generator.next()
        #expect(previous < later)
        #expect(later.unixMilliseconds == 1_700_000_000_501)
    }

    @Test func unixMillisecondsMatchesTheInjectedClock() {
        let clock = ManualClock(0)
        let generator = UUIDv7Generator(clock: { clock.read() })
        for milliseconds: UInt64 in [1, 1_000, 1_700_000_000_000, 1_767_225_600_000, 0xFFFF_FFFF_FFFE] {
            clock.set(milliseconds)
            let id = generator.next()
            #expect(id.unixMilliseconds == milliseconds)
            #expect(id.description.prefix(8) == Hex.string(milliseconds >> 16, digits: 8))
        }
    }

    @Test func systemGeneratedIdsCarryTheCurrentTime() {
        let before = UUIDv7Generator.systemMilliseconds()
        let id = UUIDv7.generate()
        let after = UUIDv7Generator.systemMilliseconds()
        // The shared generator may run ahead of the clock only after a burst; allow a little slack.
        #expect(id.unixMilliseconds + 1 >= before)
        #expect(id.unixMilliseconds <= after + 1000)
        #expect(before > 1_600_000_000_000)
    }

    @Test func stringOrderingEqualsValueOrdering() {
        var ids: [UUIDv7] = (0..<2000).map { _ in
            UUIDv7(high: UInt64.random(in: .min ... .max), low: UInt64.random(in: .min ... .max))
        }
        // Include neighbours that differ only in the low half and ids from the generator.
        let base = UUIDv7.generate()
        ids.append(UUIDv7(high: base.high, low: base.low &+ 1))
        ids.append(base)
        ids.append(contentsOf: (0..<100).map { _ in UUIDv7.generate() })
        let byValue = ids.sorted().map(\.description)
        let byString = ids.map(\.description).sorted()
        #expect(byValue == byString)
        for (a, b) in zip(ids, ids.dropFirst()) {
            #expect((a < b) == (a.description < b.description))
        }
    }
}
