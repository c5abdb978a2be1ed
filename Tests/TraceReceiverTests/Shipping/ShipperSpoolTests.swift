#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing

@testable import RequestTracingShipper

@Suite("LogShipper's spool: batches in segment files, the unsent ones also in memory")
struct ShipperSpoolTests {
    static func message(_ number: UInt64, size: Int) -> [UInt8] {
        var bytes = Array(#"{"batch":\#(number),"records":["#.utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: max(0, size - bytes.count - 2))
        bytes += Array("]}".utf8)
        return bytes
    }

    /// The segment files in `directory`, by name, with their sizes.
    static func segmentFiles(_ directory: String) -> [String: Int] {
        var files: [String: Int] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".spool") {
            files[name] = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as? Int) ?? 0
        }
        return files
    }

    /// Overwrites `count` bytes at `offset` of the file at `path`, as damage would.
    static func overwrite(_ path: String, at offset: Int, count: Int) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data(repeating: UInt8(ascii: "#"), count: count))
    }

    /// Expects `actual` to be exactly `expected`; a failure names sizes and beginnings, not every byte.
    static func expect(_ actual: [UInt8]?, is expected: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        func describe(_ bytes: [UInt8]?) -> String {
            bytes.map { "\($0.count) bytes beginning \(String(decoding: $0.prefix(24), as: UTF8.self))" } ?? "nothing"
        }
        let same = actual == expected
        #expect(same, "got \(describe(actual)), expected \(describe(expected))", sourceLocation: sourceLocation)
    }

    static func batch(_ number: UInt64, records: Int, _ message: [UInt8]) -> ShipperSpool.Batch {
        ShipperSpool.Batch(number: number, records: records, bytes: message.count)
    }

    @Test func aBatchIsSentFromMemoryOnceAndAfterThatReadFromItsSegment() async throws {
        try await withTemporaryDirectory { directory in
            let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
            let message = Self.message(1, size: 300_000)
            try spool.append(number: 1, records: 3, message: message)
            Self.expect(spool.takeUnsentMessage(of: Self.batch(1, records: 3, message)), is: message)
            // Taken: a resend reads the segment, exactly.
            #expect(spool.takeUnsentMessage(of: Self.batch(1, records: 3, message)) == nil)
            Self.expect(spool.message(of: Self.batch(1, records: 3, message)), is: message)
            #expect(spool.pending.batches == 1, "reading does not take it off the spool")
        }
    }

    @Test func theFirstSendUsesTheMessageInMemoryEvenWhenItsSegmentWasDamaged() async throws {
        try await withTemporaryDirectory { directory in
            let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
            let message = Self.message(1, size: 300_000)
            try spool.append(number: 1, records: 3, message: message)
            let segment = try #require(Self.segmentFiles(directory).keys.first)
            try Self.overwrite(directory + "/" + segment, at: 100_000, count: 10)
            Self.expect(spool.takeUnsentMessage(of: Self.batch(1, records: 3, message)), is: message)
        }
    }

    @Test func aBatchThatCannotBeReadBackWholeIsDroppedAndCounted() async throws {
        try await withTemporaryDirectory { directory in
            let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
            let damaged = Self.message(1, size: 300_000), intact = Self.message(2, size: 1_000)
            try spool.append(number: 1, records: 3, message: damaged)
            try spool.append(number: 2, records: 4, message: intact)
            _ = spool.takeUnsentMessage(of: Self.batch(1, records: 3, damaged))
            _ = spool.takeUnsentMessage(of: Self.batch(2, records: 4, intact))
            let segment = try #require(Self.segmentFiles(directory).keys.first)
            try Self.overwrite(directory + "/" + segment, at: 100_000, count: 10)
            #expect(spool.message(of: Self.batch(1, records: 3, damaged)) == nil, "never sent with bytes that are not its own")
            #expect(spool.takeDroppedCount() == 3)
            #expect(spool.pending.batches == 1)
            Self.expect(spool.message(of: Self.batch(2, records: 4, intact)), is: intact)
        }
    }

    @Test func batchesPastTheMemoryBoundAreReadFromTheirSegments() async throws {
        try await withTemporaryDirectory { directory in
            let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
            let size = ShipperSpool.unsentMemoryLimitBytes / 2 - 10
            let messages = (1...3).map { Self.message(UInt64($0), size: size) }
            for (index, message) in messages.enumerated() {
                try spool.append(number: UInt64(index + 1), records: 1, message: message)
            }
            Self.expect(spool.takeUnsentMessage(of: Self.batch(1, records: 1, messages[0])), is: messages[0])
            Self.expect(spool.takeUnsentMessage(of: Self.batch(2, records: 1, messages[1])), is: messages[1])
            #expect(spool.takeUnsentMessage(of: Self.batch(3, records: 1, messages[2])) == nil)
            Self.expect(spool.message(of: Self.batch(3, records: 1, messages[2])), is: messages[2])
        }
    }

    @Test func memoryFreedByTakingMakesRoomForTheNextBatch() async throws {
        try await withTemporaryDirectory { directory in
            let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
            let size = ShipperSpool.unsentMemoryLimitBytes / 2 - 10
            let first = Self.message(1, size: size), second = Self.message(2, size: size), third = Self.message(3, size: size)
            try spool.append(number: 1, records: 1, message: first)
            try spool.append(number: 2, records: 1, message: second)
            _ = spool.takeUnsentMessage(of: Self.batch(1, records: 1, first))
            try spool.append(number: 3, records: 1, message: third)
            Self.expect(spool.takeUnsentMessage(of: Self.batch(3, records: 1, third)), is: third)
        }
    }

    @Test func aBatchDroppedForSpaceOrAcknowledgedIsForgottenInMemoryToo() async throws {
        try await withTemporaryDirectory { directory in
            let spool = try ShipperSpool(directory: directory, limitBytes: 250_000)
            let messages = (1...3).map { Self.message(UInt64($0), size: 100_000) }
            for (index, message) in messages.enumerated() {
                try spool.append(number: UInt64(index + 1), records: 10, message: message)
            }
            // 300,000 bytes against a limit of 250,000: the oldest batch went, file and memory.
            #expect(spool.takeDroppedCount() == 10)
            #expect(spool.takeUnsentMessage(of: Self.batch(1, records: 10, messages[0])) == nil)
            #expect(spool.message(of: Self.batch(1, records: 10, messages[0])) == nil)

            #expect(spool.acknowledge(2) != nil)
            #expect(spool.takeUnsentMessage(of: Self.batch(2, records: 10, messages[1])) == nil)
            Self.expect(spool.takeUnsentMessage(of: Self.batch(3, records: 10, messages[2])), is: messages[2])
        }
    }

    @Test func batchesFoundAtStartAreReadFromDiskWhole() async throws {
        try await withTemporaryDirectory { directory in
            let sizes = [0, 1, 65_535, 65_536, 65_537, 300_001]
            let messages = sizes.enumerated().map { Self.message(UInt64($0.offset + 1), size: $0.element) }
            do {
                let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30, segmentBytes: 64 << 10)
                for (index, message) in messages.enumerated() {
                    try spool.append(number: UInt64(index + 1), records: 1, message: message)
                }
            }
            // A new process's spool holds none of them in memory and reads each file back exactly.
            let reopened = try ShipperSpool(directory: directory, limitBytes: 1 << 30, segmentBytes: 64 << 10)
            #expect(reopened.pending.batches == messages.count)
            for (index, message) in messages.enumerated() {
                let batch = Self.batch(UInt64(index + 1), records: 1, message)
                #expect(reopened.takeUnsentMessage(of: batch) == nil)
                Self.expect(reopened.message(of: batch), is: message)
            }
            #expect(reopened.message(of: Self.batch(99, records: 1, [])) == nil, "an unknown batch has no message")
        }
    }

    @Test func aRestartReplaysExactlyTheBatchesNeitherAcknowledgedNorDropped() async throws {
        try await withTemporaryDirectory { directory in
            let messages = (1...12).map { Self.message(UInt64($0), size: 20_000) }
            do {
                let spool = try ShipperSpool(directory: directory, limitBytes: 200_000, segmentBytes: 64 << 10)
                for (index, message) in messages.enumerated() {
                    try spool.append(number: UInt64(index + 1), records: index + 1, message: message)
                }
                #expect(spool.takeDroppedCount() == 1 + 2, "240,000 bytes against 200,000: batches 1 and 2 went")
                for number: UInt64 in [4, 5, 9] { #expect(spool.acknowledge(number) != nil) }
            }
            let reopened = try ShipperSpool(directory: directory, limitBytes: 200_000, segmentBytes: 64 << 10)
            var replayed: [UInt64] = []
            while let batch = reopened.nextToSend(maximumInFlight: 100) {
                replayed.append(batch.number)
                #expect(batch.records == Int(batch.number), "its record count comes back with it")
                Self.expect(reopened.message(of: batch), is: messages[Int(batch.number) - 1])
            }
            #expect(replayed == [3, 6, 7, 8, 10, 11, 12])
            #expect(reopened.reserveNumber() == 13, "numbers go on after the last one spooled")
        }
    }

    @Test func aBatchWhoseWriteACrashCutShortIsNotReplayed() async throws {
        try await withTemporaryDirectory { directory in
            let messages = (1...3).map { Self.message(UInt64($0), size: 10_000) }
            do {
                let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
                for (index, message) in messages.enumerated() { try spool.append(number: UInt64(index + 1), records: 1, message: message) }
            }
            // The last batch's message is cut short, as when the process dies in the middle of its write.
            let segment = directory + "/" + (try #require(Self.segmentFiles(directory).keys.first))
            let size = try #require(Self.segmentFiles(directory).values.first)
            #expect(truncate(segment, off_t(size - 5_000)) == 0)
            let reopened = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
            #expect(reopened.pending.batches == 2)
            Self.expect(reopened.message(of: Self.batch(2, records: 1, messages[1])), is: messages[1])
            #expect(reopened.reserveNumber() == 3)
        }
    }

    @Test func aSegmentWhoseBatchesAreAllDoneIsWrittenOverAndItsOldBatchesAreNeverReplayed() async throws {
        try await withTemporaryDirectory { directory in
            var namesSeen: Set<String> = []
            do {
                let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30, segmentBytes: 64 << 10)
                for number in UInt64(1)...100 {
                    // One batch stays in flight, as on a live stream: its ack comes after the next append.
                    try spool.append(number: number, records: 1, message: Self.message(number, size: 20_000))
                    if number > 1 { #expect(spool.acknowledge(number - 1) != nil) }
                    namesSeen.formUnion(Self.segmentFiles(directory).keys)
                }
            }
            // 2 MB through segments of 64 KiB: two files take turns, the one being written and the spare.
            #expect(namesSeen.count == 2, "segment files made: \(namesSeen.sorted())")
            let reopened = try ShipperSpool(directory: directory, limitBytes: 1 << 30, segmentBytes: 64 << 10)
            #expect(reopened.nextToSend(maximumInFlight: 10)?.number == 100)
            #expect(reopened.nextToSend(maximumInFlight: 10) == nil, "none of the 99 done batches, in either file, comes back")
        }
    }

    @Test func oldBatchesKeepingMostlyAcknowledgedSegmentsAliveAreDroppedToBoundTheDisk() async throws {
        try await withTemporaryDirectory { directory in
            let limit = 64 << 10
            let spool = try ShipperSpool(directory: directory, limitBytes: limit, segmentBytes: 64 << 10)
            var kept: [UInt64] = []
            for round in UInt64(0)..<40 {
                // A small batch never acknowledged beside a big one that is: 2 KB pending per segment,
                // far under the limit, while each keeps a 64 KiB segment alive.
                try spool.append(number: 2 * round + 1, records: 1, message: Self.message(2 * round + 1, size: 1_000))
                try spool.append(number: 2 * round + 2, records: 1, message: Self.message(2 * round + 2, size: 50_000))
                #expect(spool.acknowledge(2 * round + 2) != nil)
                kept.append(2 * round + 1)
            }
            let onDisk = Self.segmentFiles(directory).values.reduce(0, +)
            #expect(onDisk <= 2 * limit + 3 * (64 << 10), "\(onDisk) bytes of segments")
            let dropped = spool.takeDroppedCount()
            #expect(dropped > 0)
            var pending: [UInt64] = []
            while let batch = spool.nextToSend(maximumInFlight: 100) { pending.append(batch.number) }
            #expect(pending == Array(kept.suffix(pending.count)), "the oldest went first")
            #expect(pending.count + dropped == kept.count)
        }
    }

    @Test func anEarlierVersionsBatchFilesAreTakenInRenumberedAndDeleted() async throws {
        try await withTemporaryDirectory { directory in
            let third = Self.message(3, size: 1_000), seventh = Self.message(7, size: 2_000)
            try Data(seventh).write(to: URL(fileURLWithPath: directory + "/00000000000000000007-2.batch"))
            try Data(third).write(to: URL(fileURLWithPath: directory + "/00000000000000000003-1.batch"))
            try Data("not a stream message".utf8).write(to: URL(fileURLWithPath: directory + "/00000000000000000008-5.batch"))
            try Data(third).write(to: URL(fileURLWithPath: directory + "/.00000000000000000009-1.batch.tmp"))

            let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
            let first = try #require(spool.nextToSend(maximumInFlight: 10))
            let second = try #require(spool.nextToSend(maximumInFlight: 10))
            #expect(spool.nextToSend(maximumInFlight: 10) == nil)
            #expect([first.number, second.number] == [1, 2] && [first.records, second.records] == [1, 2])
            Self.expect(spool.takeUnsentMessage(of: first), is: ShipperBatchEncoder.renumbered(third, as: 1)!)
            Self.expect(spool.takeUnsentMessage(of: second), is: ShipperBatchEncoder.renumbered(seventh, as: 2)!)
            #expect(spool.takeDroppedCount() == 5, "the file that is not a message is dropped and counted")
            let left = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasSuffix(".spool") && $0 != ".lock" }
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test func batchesOfAProcessThatDiedAreTakenInAfterTheSpoolsOwnAndRenumbered() async throws {
        try await withTemporaryDirectory { root in
            let orphan = root + "/process-999999999"
            let orphanMessages = [Self.message(1, size: 1_000), Self.message(2, size: 3_000)]
            let own = Self.message(1, size: 500)
            do {
                let spool = try ShipperSpool(directory: root, limitBytes: 1 << 30)
                try spool.append(number: spool.reserveNumber(), records: 1, message: own)
            }
            do {
                let spool = try ShipperSpool(directory: orphan, limitBytes: 1 << 30)
                for (index, message) in orphanMessages.enumerated() { try spool.append(number: UInt64(index + 1), records: 4, message: message) }
            }
            let spool = try ShipperSpool(directory: root, limitBytes: 1 << 30)
            var sent: [(ShipperSpool.Batch, [UInt8]?)] = []
            while let batch = spool.nextToSend(maximumInFlight: 10) { sent.append((batch, spool.takeUnsentMessage(of: batch) ?? spool.message(of: batch))) }
            #expect(sent.map(\.0.number) == [1, 2, 3])
            Self.expect(sent[0].1, is: own)
            // The receiver acknowledges the number a message names: each names its number here.
            Self.expect(sent[1].1, is: ShipperBatchEncoder.renumbered(orphanMessages[0], as: 2)!)
            Self.expect(sent[2].1, is: ShipperBatchEncoder.renumbered(orphanMessages[1], as: 3)!)
            #expect(!FileManager.default.fileExists(atPath: orphan))
        }
    }

    @Test func aSegmentLeftWithoutItsHeaderIsDeletedAndOneOfAnUnknownVersionIsLeftAlone() async throws {
        try await withTemporaryDirectory { directory in
            let headerless = directory + "/" + SpoolSegment.fileName(id: 7)
            let unknown = directory + "/" + SpoolSegment.fileName(id: 8)
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: headerless))
            var future = SpoolSegmentHeader(generation: 1).bytes
            future[4] = 99  // version 99
            try Data(future + [UInt8](repeating: 7, count: 100)).write(to: URL(fileURLWithPath: unknown))

            let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
            #expect(!FileManager.default.fileExists(atPath: headerless))
            #expect(FileManager.default.fileExists(atPath: unknown), "not this version's to delete")
            try spool.append(number: spool.reserveNumber(), records: 1, message: Self.message(1, size: 100))
            #expect(Set(Self.segmentFiles(directory).keys) == [SpoolSegment.fileName(id: 8), SpoolSegment.fileName(id: 9)], "new segments are numbered after it")
        }
    }
}
