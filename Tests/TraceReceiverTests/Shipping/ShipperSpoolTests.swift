#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Testing

@testable import RequestTracingShipper

@Suite("LogShipper's spool: batches on disk, the unsent ones also in memory")
struct ShipperSpoolTests {
    static func message(_ number: UInt64, size: Int) -> [UInt8] {
        var bytes = Array(#"{"batch":\#(number),"records":["#.utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: max(0, size - bytes.count - 2))
        bytes += Array("]}".utf8)
        return bytes
    }

    static func fileOf(_ spool: ShipperSpool, _ number: UInt64, records: Int) -> String {
        spool.directory + "/" + ShipperSpool.fileName(number: number, records: records)
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

    @Test func aBatchIsSentFromMemoryOnceAndAfterThatReadFromItsFile() async throws {
        try await withTemporaryDirectory { directory in
            let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
            let message = Self.message(1, size: 300_000)
            try spool.append(number: 1, records: 3, message: message)
            // The file is rewritten behind the spool's back: a first send that read it would see this.
            let rewritten = Self.message(1, size: 1_000)
            try Data(rewritten).write(to: URL(fileURLWithPath: Self.fileOf(spool, 1, records: 3)))

            Self.expect(spool.takeUnsentMessage(of: Self.batch(1, records: 3, message)), is: message)
            // Taken: a resend reads the file.
            #expect(spool.takeUnsentMessage(of: Self.batch(1, records: 3, message)) == nil)
            Self.expect(spool.message(of: Self.batch(1, records: 3, message)), is: rewritten)
        }
    }

    @Test func batchesPastTheMemoryBoundAreReadFromTheirFiles() async throws {
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
                let spool = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
                for (index, message) in messages.enumerated() {
                    try spool.append(number: UInt64(index + 1), records: 1, message: message)
                }
            }
            // A new process's spool holds none of them in memory and reads each file back exactly.
            let reopened = try ShipperSpool(directory: directory, limitBytes: 1 << 30)
            for (index, message) in messages.enumerated() {
                let batch = Self.batch(UInt64(index + 1), records: 1, message)
                #expect(reopened.takeUnsentMessage(of: batch) == nil)
                Self.expect(reopened.message(of: batch), is: message)
            }
            #expect(ShipperSpool.readFile(directory + "/no-such.batch") == nil)
        }
    }
}
