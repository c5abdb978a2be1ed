import Foundation
import TestSupport
import Testing

@testable import TraceReceiver

@Suite("Compressed request bodies (Content-Encoding)")
struct ContentEncodingTests {
    static let records = (1...300).map { recordLine(["message": "compressed line \($0)", "service": "zipped"]) }.joined(separator: "\n")

    /// `bytes` compressed by Python's `gzip` or `zlib` module: an encoder other than the one the
    /// receiver decodes with, as a log shipper's would be.
    static func compressed(_ bytes: [UInt8], with module: String) async throws -> [UInt8] {
        try await withTemporaryDirectory { directory in
            let (input, output) = (directory + "/body", directory + "/body.z")
            try Data(bytes).write(to: URL(fileURLWithPath: input))
            let script = "import sys, \(module); open(sys.argv[2], 'wb').write(\(module).compress(open(sys.argv[1], 'rb').read()))"
            let run = try await runPython(["-c", script, input, output])
            try #require(run.status == 0, "python3: \(run.stderr)")
            return Array(try Data(contentsOf: URL(fileURLWithPath: output)))
        }
    }

    @Test(arguments: [("gzip", "gzip"), ("x-gzip", "gzip"), ("GZIP", "gzip"), ("deflate", "zlib")])
    func aGzipOrDeflateBodyIsDecodedAndEveryRecordStored(_ coding: String, _ module: String) async throws {
        let body = try await Self.compressed(Array(Self.records.utf8), with: module)
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postLogs(bytes: body, headers: [("Content-Encoding", coding)])
            #expect(reply.status == 200, "\(reply.body)")
            #expect(try reply.counts() == Counts(accepted: 300))
            #expect(try await receiver.store.statistics().records == 300)
        }
    }

    @Test func anUnsupportedCodingIs415NamingWhatIsAcceptedAndAHostileNameIsNotEchoed() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postLogs(Self.records, headers: [("Content-Encoding", "br")])
            #expect(reply.status == 415)
            #expect(reply.errorCode == "unsupported_encoding")
            #expect(reply.errorMessage == "Content-Encoding br is not supported; send the body as it is, or with gzip or deflate")
            #expect(reply.headers["Accept-Encoding"] == ["gzip, deflate"])

            let hostile = try await receiver.postLogs(Self.records, headers: [("Content-Encoding", "<script>alert(1)</script>")])
            #expect(hostile.status == 415)
            #expect(!hostile.body.contains("script"), "\(hostile.body)")
            #expect(try await receiver.store.statistics().records == 0)
        }
    }

    @Test(arguments: ["gzip", "zlib"])
    func aBodyCutShortIsRefusedWholeRatherThanStoredInPart(_ module: String) async throws {
        let body = try await Self.compressed(Array(Self.records.utf8), with: module)
        try await withReceiver { (receiver) async throws in
            // zlib decodes a cut stream to a prefix without complaint; the records in it must not be kept.
            let reply = try await receiver.postLogs(bytes: Array(body.prefix(body.count / 2)), headers: [("Content-Encoding", module == "zlib" ? "deflate" : "gzip")])
            #expect(reply.status == 400)
            #expect(reply.errorCode == "invalid_encoding")
            #expect(reply.errorMessage?.contains("cut short") == true, "\(reply.body)")
            #expect(try await receiver.store.statistics().records == 0)
        }
    }

    @Test func aBodyThatIsNotWhatItsCodingSaysOrHasBytesAfterItIs400() async throws {
        let gzip = try await Self.compressed(Array(Self.records.utf8), with: "gzip")
        try await withReceiver { (receiver) async throws in
            let plain = try await receiver.postLogs(Self.records, headers: [("Content-Encoding", "gzip")])
            #expect(plain.status == 400)
            #expect(plain.errorMessage == "the body sent as Content-Encoding: gzip is not valid gzip data, or is cut short")

            // Two gzip members back to back: the second would otherwise be dropped without a word.
            let twice = try await receiver.postLogs(bytes: gzip + gzip, headers: [("Content-Encoding", "gzip")])
            #expect(twice.status == 400)
            #expect(twice.errorMessage == "the body sent as Content-Encoding: gzip has \(gzip.count) bytes after the end of its gzip data")
            #expect(try await receiver.store.statistics().records == 0)
        }
    }

    @Test func aBodyThatDecodesPastTheLimitIs413EvenWhenItsCompressedSizeIsSmall() async throws {
        // 2 MiB of one repeated record compresses to a few KiB: a decompression bomb for a 64 KiB limit.
        let line = recordLine(["message": "again", "service": "bomb"]) + "\n"
        let bomb = try await Self.compressed(Array(String(repeating: line, count: (2 << 20) / line.utf8.count).utf8), with: "gzip")
        #expect(bomb.count < 64 * 1024)
        try await withReceiver(configure: { $0.maximumBodyBytes = 64 * 1024 }) { (receiver) async throws in
            let reply = try await receiver.postLogs(bytes: bomb, headers: [("Content-Encoding", "gzip")])
            #expect(reply.status == 413)
            #expect(reply.errorCode == "body_too_large")
            #expect(reply.errorMessage == "request body decodes to more than the limit of 65536 bytes")
            #expect(try await receiver.store.statistics().records == 0)
        }
    }

    @Test func aBrowserReportMayBeCompressedAndKeepsItsOwnSmallerLimit() async throws {
        let report = Array(#"{"level":"error","message":"compressed report"}"#.utf8)
        let padded = Array(#"{"level":"error","message":"\#(String(repeating: "p", count: 100_000))"}"#.utf8)
        let (small, large) = (try await Self.compressed(report, with: "gzip"), try await Self.compressed(padded, with: "gzip"))
        #expect(large.count < 64 * 1024)
        try await withReceiver { (receiver) async throws in
            let accepted = try await receiver.request(.POST, "/api/frontend-log", body: small, headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
            #expect(accepted.status == 202, "\(accepted.body)")
            let refused = try await receiver.request(.POST, "/api/frontend-log", body: large, headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
            #expect(refused.status == 413)
            #expect(refused.errorMessage == "request body decodes to more than the limit of 65536 bytes")
            #expect(try await receiver.search("source=frontend").logs.compactMap { $0["message"] as? String } == ["compressed report"])
        }
    }

    @Test func adler32MatchesTheRFCsExampleAndSpansManyRounds() {
        #expect(Array("Wikipedia".utf8).withUnsafeBytes(ContentCoding.adler32) == 0x11E6_0398)
        #expect([UInt8]().withUnsafeBytes(ContentCoding.adler32) == 1)
        // 20,000 bytes of 0xFF: past several 5,552-byte rounds, where a missed modulo would overflow.
        #expect([UInt8](repeating: 0xFF, count: 20_000).withUnsafeBytes(ContentCoding.adler32) == 0x9F51_D664, "zlib.adler32 in Python")
    }
}
