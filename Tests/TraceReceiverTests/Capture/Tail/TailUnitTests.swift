import Foundation
import RequestTracing
import TestSupport
import Testing

@testable import TraceReceiver

@Suite("Tail: line splitting")
struct LineSplitterTests {
    static func split(_ chunks: [String], limit: Int = 8) -> (lines: [LineSplitter.Line], splitter: LineSplitter) {
        var splitter = LineSplitter(maximumLineLength: limit)
        var lines: [LineSplitter.Line] = []
        var offset: UInt64 = 0
        for chunk in chunks {
            let bytes = Array(chunk.utf8)
            bytes.withUnsafeBytes { splitter.feed($0, startingAt: offset, into: &lines) }
            offset += UInt64(bytes.count)
        }
        return (lines, splitter)
    }

    @Test func joinsALineSplitAcrossChunksAndKeepsOffsets() {
        let (lines, splitter) = Self.split(["ab", "c\r\nde", "f\ng"])
        #expect(lines.map { String(decoding: $0.bytes, as: UTF8.self) } == ["abc", "def"])
        #expect(lines.map(\.endOffset) == [5, 9])
        #expect(splitter.hasPartialLine)
    }

    @Test func cutsAnOverlongLineAcrossChunksAndResumesAtTheNextLine() {
        let (lines, _) = Self.split(["0123456", "789abc", "def\nok\n"], limit: 8)
        #expect(lines.count == 2)
        #expect(String(decoding: lines[0].bytes, as: UTF8.self) == "01234567")
        #expect(lines[0].isTruncated && lines[0].endOffset == 17)
        #expect(String(decoding: lines[1].bytes, as: UTF8.self) == "ok" && !lines[1].isTruncated)
    }

    @Test func flushesAPartialLineOnlyOnce() {
        var (_, splitter) = Self.split(["abc\npartial"], limit: 64)
        let flushed = splitter.flush(at: 11)
        #expect(flushed.map { String(decoding: $0.bytes, as: UTF8.self) } == "partial")
        #expect(splitter.flush(at: 11) == nil)
    }
}

@Suite("Tail: ssh targets and commands")
struct SSHTailCommandTests {
    @Test(arguments: [
        ("host:/var/log/app.log", nil, "host", "/var/log/app.log"),
        ("deploy@api-1.internal:/var/log/app.log", "deploy", "api-1.internal", "/var/log/app.log"),
        ("[::1]:logs/app.log", nil, "::1", "logs/app.log"),
        ("me@[fe80::1]:/a:b", "me", "fe80::1", "/a:b"),
        ("host:~/app.log", nil, "host", "~/app.log"),
    ] as [(String, String?, String, String)])
    func parsesUserHostAndPath(_ text: String, _ user: String?, _ host: String, _ path: String) throws {
        let target = try SSHTailTarget(parsing: text)
        #expect(target.user == user && target.host == host && target.path == path)
    }

    @Test(arguments: ["/var/log/app.log", "host", "host:", ":/path", "-oProxyCommand=x:/p", "@host:/p", "[::1/p", "a b:/p", "logs/app-10:00.log", "/var/log/app-10:00.log", "./a:b"])
    func rejectsWhatIsNotARemoteFile(_ text: String) {
        #expect(throws: TailError.self) { try SSHTailTarget(parsing: text) }
    }

    @Test func quotesThePathForTheRemoteShell() throws {
        #expect(RemoteShell.quote("it's here") == #"'it'\''s here'"#)
        #expect(RemoteShell.pathWord("~/logs/a b") == #""$HOME"/'logs/a b'"#)
        // The command survives a real POSIX shell: the remote script prints the marker for a file with quotes in its name.
        let command = RemoteShell.tailCommand(path: "/nonexistent/it's $(x)", requestedOffset: 5)
        #expect(command.hasPrefix("sh -c '"))
    }

    @Test func passesBatchModeAndNeverTurnsOffHostKeyChecking() throws {
        var configuration = SSHTailer.Configuration()
        configuration.extraOptions = ["-p", "2222"]
        let arguments = SSHTailer(target: try SSHTailTarget(parsing: "u@h:/p"), configuration: configuration)
            .arguments(requestedOffset: 10)
        #expect(Array(arguments.prefix(3)) == ["-T", "-o", "BatchMode=yes"])
        #expect(arguments.contains("u@h") && arguments.contains("--"))
        #expect(!arguments.joined(separator: " ").lowercased().contains("stricthostkeychecking"))
        #expect(arguments.last?.contains("r=10;") == true)
    }

    @Test(arguments: [["-o", "StrictHostKeyChecking=no"], ["-oStrictHostKeyChecking no"], ["-o", "UserKnownHostsFile=/dev/null"]])
    func refusesOptionsThatTurnOffHostKeyChecking(_ options: [String]) async throws {
        var configuration = SSHTailer.Configuration()
        configuration.extraOptions = options
        let collector = LineCollector(SSHTailer(target: try SSHTailTarget(parsing: "h:/p"), configuration: configuration).lines())
        let error = try await collector.waitForFailure()
        #expect((error as? TailError)?.code == "insecure_ssh_option")
    }
}

@Suite("Tail: the remote script")
struct RemoteScriptTests {
    /// Runs the remote command with a local shell and a stub `tail` that prints its arguments.
    ///
    /// The stub is written with ``writeExecutable(_:to:)`` (see there for why). `PATH` holds
    /// only the stub's folder (with the few tools the script uses), so the shell can never fall back to
    /// the real `tail -F`, which would never end.
    static func run(path: String, requestedOffset: UInt64?, in dir: String) async throws -> String {
        let stub = dir + "/bin"
        try FileManager.default.createDirectory(atPath: stub, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: stub + "/tail") {
            try writeExecutable("#!/bin/sh\necho \"tail $*\"\n", to: stub + "/tail")
            for tool in ["/usr/bin/sh", "/usr/bin/wc", "/usr/bin/tr"] {
                try FileManager.default.createSymbolicLink(atPath: stub + "/" + (tool as NSString).lastPathComponent, withDestinationPath: tool)
            }
        }
        let program = try SpawnedProgram(
            "/bin/sh", ["-c", RemoteShell.tailCommand(path: path, requestedOffset: requestedOffset)],
            environment: ["PATH": stub, "HOME": dir]
        )
        return String(decoding: await program.finish().stdout, as: UTF8.self)
    }

    @Test func startsAtTheEndAtTheRequestedOffsetOrAtZeroWhenTheFileShrank() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/it's a log"
            try append("0123456789\n", to: path)  // 11 bytes
            #expect(try await Self.run(path: path, requestedOffset: nil, in: dir) == "trace-receiver-tail-offset=11\ntail -c +12 -F \(path)\n")
            #expect(try await Self.run(path: path, requestedOffset: 4, in: dir) == "trace-receiver-tail-offset=4\ntail -c +5 -F \(path)\n")
            #expect(try await Self.run(path: path, requestedOffset: 50, in: dir) == "trace-receiver-tail-offset=0\ntail -c +1 -F \(path)\n")
            #expect(try await Self.run(path: dir + "/missing", requestedOffset: nil, in: dir).hasPrefix("trace-receiver-tail-offset=0\n"))
            #expect(try await Self.run(path: "~/it's a log", requestedOffset: 0, in: dir) == "trace-receiver-tail-offset=0\ntail -c +1 -F \(path)\n")
        }
    }

    @Test func findsTheOffsetMarkerAfterLoginShellChatter() {
        var preamble = Array("Welcome!\ntrace-receiver-tail-offset=42\nline".utf8)
        let parsed = SSHFollower.parseMarker(&preamble)
        #expect(parsed?.0 == 42)
        #expect(parsed.map { String(decoding: $0.1, as: UTF8.self) } == "line")
    }
}

@Suite("Tail: reconnection backoff")
struct ReconnectBackoffTests {
    @Test func growsExponentiallyUpToTheMaximumWithBoundedJitter() {
        let backoff = ReconnectBackoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), multiplier: 2, jitter: 0)
        #expect((0...6).map { backoff.delay(afterFailures: $0) } == [100, 100, 200, 400, 800, 1000, 1000].map { .milliseconds($0) })
        let jittered = ReconnectBackoff(initialDelay: .seconds(1), maximumDelay: .seconds(10), jitter: 0.2)
        for _ in 0..<100 {
            let delay = jittered.delay(afterFailures: 1)
            #expect(delay >= .milliseconds(800) && delay <= .milliseconds(1200))
        }
    }
}
