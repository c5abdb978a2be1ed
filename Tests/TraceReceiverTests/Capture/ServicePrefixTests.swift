import Foundation
import Logging
import RequestTracing
import TestSupport
import Testing

@testable import TraceReceiver

@Suite("Capture: service prefixes of docker compose, foreman, honcho, overmind, kubectl, concurrently and turbo")
struct ServicePrefixTests {
    static func prefix(_ line: String) -> ServicePrefix? {
        Array(line.utf8).withUnsafeBufferPointer { ServicePrefix.parse($0) }
    }

    static func content(_ line: String) -> String? {
        prefix(line).map { String(decoding: Array(line.utf8)[$0.contentStart...], as: UTF8.self) }
    }

    @Test func composePrefixesNameTheServiceAndReplica() {
        #expect(Self.prefix("api-1  | listening on :8000") == ServicePrefix(name: "api-1", service: "api", replica: 1, contentStart: 9))
        #expect(Self.content("api-1  | listening on :8000") == "listening on :8000")
        #expect(Self.prefix("worker_2   | job done")?.service == "worker", "Compose v1 names replicas with _N")
        #expect(Self.prefix("worker_2   | job done")?.replica == 2)
        #expect(Self.prefix("my-app.web-12 | x")?.service == "my-app.web")
        #expect(Self.content("api-1  |") == "", "an empty line of a service")
        #expect(Self.content("api-1  |    indented") == "   indented", "only one space after the bar belongs to the prefix")
    }

    @Test func foremanAndOvermindPrefixesAreRead() {
        #expect(Self.prefix("12:00:01 web.1  | started") == ServicePrefix(name: "web.1", service: "web", replica: 1, contentStart: 18))
        #expect(Self.prefix("web | started") == ServicePrefix(name: "web", service: "web", replica: nil, contentStart: 6))
        #expect(Self.prefix("v2  | x")?.service == "v2", "a name that ends in digits without a separator keeps them")
        #expect(Self.prefix("-1  | x") == nil, "a name starts with a letter or digit")
        #expect(Self.prefix("api-99999  | x")?.service == "api-99999", "more than four digits is not a replica number")
    }

    @Test func kubectlPrefixesNameTheContainerAndThePod() {
        let prefix = Self.prefix("[pod/shop-7d9f8-x2k4q/api] listening")
        #expect(prefix == ServicePrefix(name: "pod/shop-7d9f8-x2k4q/api", service: "api", replica: nil, contentStart: 27, pod: "shop-7d9f8-x2k4q"))
        #expect(Self.content("[pod/shop-7d9f8-x2k4q/api] listening") == "listening")
        for line in ["[pod/]", "[pod/a]", "[pod/a/] x", "[pod/a/b]x", "[pod/a/b c] x", "[pod/a b/c] x", "[pod/a/b"] {
            #expect(Self.prefix(line) == nil, "\(line)")
        }
    }

    @Test func concurrentlyPrefixesNameTheServiceOrOnlyTheProcess() {
        #expect(Self.prefix("[api] listening") == ServicePrefix(name: "api", service: "api", replica: nil, contentStart: 6))
        #expect(Self.content("[api] {\"level\":50}") == "{\"level\":50}")
        #expect(Self.prefix("[0] ready") == ServicePrefix(name: "0", service: nil, replica: nil, contentStart: 4), "a process number names no service")
        #expect(Self.prefix("[web-2] x")?.service == "web-2", "no replica in a bracketed name")
        #expect(Self.content("[api]") == "")
    }

    @Test func turborepoPrefixesNameThePackageAsTheService() {
        #expect(Self.prefix("web:dev: ready on :3000") == ServicePrefix(name: "web:dev", service: "web", replica: nil, contentStart: 9))
        #expect(Self.content("web:dev: ready on :3000") == "ready on :3000")
        #expect(Self.prefix("@acme/api:build: done")?.service == "api", "a scoped package's service is its name")
        #expect(Self.prefix("@acme/api:build: done")?.name == "@acme/api:build")
        #expect(Self.prefix("docs:dev:watch: rebuilt")?.name == "docs:dev:watch", "a task may hold colons")
        #expect(Self.content("web:dev:") == "")
    }

    @Test func linesThatOnlyLookAlikeAreNotPrefixed() {
        for line in [
            "api|x", "api |x", "api-1 :| x", "| x", " api | x", "api\t| x", "",
            "2024-01-01 12:00:00 | INFO | mod:f:1 - loguru", "a b | c",
            // Bracketed: levels, dates, long numbers, no space after, an unclosed bracket.
            "[INFO] Building", "[error] x", "[2026-11-30] x", "[12:00:01] x", "[1234] x", "[api]x", "[api x", "[] x", "[-a] x",
            // Turborepo look-alikes: Python logging's default format, a URL, a label, a level.
            "INFO:root:message", "WARNING:app: slow", "https://example.com/a: b", "Note: x", "web:: x", "web:dev:x", "@acme/: x",
            "1web:dev: x",
            String(repeating: "n", count: ServicePrefix.maximumNameLength + 1) + " | x",
        ] {
            #expect(Self.prefix(line) == nil, "\(line)")
        }
        #expect(Self.prefix(String(repeating: "n", count: ServicePrefix.maximumNameLength) + " | x") != nil)
        // Every truncation of each shape is read without trapping, and one cut inside its name is no prefix.
        for line in ["12:00:01 web.1  | x", "[pod/shop-1/api] x", "[api] x", "@acme/api:build: x", "docs:dev:watch: x"] {
            let bytes = Array(line.utf8)
            for end in 0...bytes.count {
                _ = bytes[..<end].withUnsafeBufferPointer { ServicePrefix.parse($0) }
            }
            #expect(Self.prefix(String(line.prefix(4))) == nil, "\(line.prefix(4))")
        }
    }

    static func records(_ sink: InMemoryLogSink) throws -> [[String: Any]] {
        try sink.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test func interleavedServicesAreParsedApartWithTheirTracebacksJoined() throws {
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: "docker"), sink: sink, readsServicePrefixes: true)
        let lines = [
            #"api-1     | {"level":"error","msg":"charge failed","request_id":"r-1"}"#,
            "worker-1  | 2024-05-01 12:00:00,123 - jobs - ERROR - job crashed request_id=r-1",
            "worker-1  | Traceback (most recent call last):",
            "api-1     | INFO:     127.0.0.1:5000 - \"GET /api HTTP/1.1\" 200 OK",
            "worker-1  |   File \"jobs.py\", line 3, in run",
            "worker-1  | ZeroDivisionError: division by zero",
            "\u{1B}[36mworker-2  |\u{1B}[0m second replica",
            "Attaching to api-1, worker-1",
        ]
        for line in lines { forwarder.append(line: Array(line.utf8), stream: 1) }
        forwarder.finish()
        let records = try Self.records(sink)
        let byMessage = Dictionary(records.map { ($0["message"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(records.count == 5, "\(records.map { $0["message"] ?? "" })")

        let charge = try #require(byMessage["charge failed"], "the JSON after the prefix is parsed")
        #expect(charge["service"] as? String == "api")
        #expect(charge["level"] as? String == "error")
        #expect(charge["request_id"] as? String == "r-1")

        let crash = try #require(byMessage["job crashed request_id=r-1"])
        #expect(crash["service"] as? String == "worker")
        #expect(crash["level"] as? String == "error")
        #expect(crash["error_type"] as? String == "ZeroDivisionError")
        #expect((crash["stack"] as? String)?.contains("File \"jobs.py\", line 3") == true, "the traceback joins across api's line")
        #expect((crash["stack"] as? String)?.contains("GET /api") == false)

        #expect(byMessage.keys.contains { $0.contains("GET /api HTTP/1.1") && !$0.contains("api-1") })
        let replica = try #require(byMessage["second replica"], "colour around the prefix is removed")
        #expect(replica["service"] as? String == "worker")
        #expect((replica["fields"] as? [String: Any])?["replica"] as? Int == 2)
        #expect(byMessage["Attaching to api-1, worker-1"]?["service"] as? String == "docker", "unprefixed lines keep the parser's service")
    }

    @Test func withoutPrefixReadingTheLineStaysWhole() throws {
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: "docker"), sink: sink)
        forwarder.append(line: Array(#"api-1  | {"level":"error","msg":"boom"}"#.utf8))
        forwarder.finish()
        let record = try #require(try Self.records(sink).first)
        #expect(record["service"] as? String == "docker")
        #expect(record["message"] as? String == #"api-1  | {"level":"error","msg":"boom"}"#)
    }

    @Test func processesBeyondTheLimitAreReadWhole() throws {
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: "many"), sink: sink, readsServicePrefixes: true)
        let count = CaptureForwarder.maximumPrefixedProcesses + 10
        for index in 0..<count { forwarder.append(line: Array("p\(index)  | line \(index)".utf8)) }
        forwarder.finish()
        let records = try Self.records(sink)
        #expect(records.count == count, "no line is lost")
        let whole = records.filter { $0["service"] as? String == "many" }
        #expect(whole.count == 10)
        #expect(whole.allSatisfy { ($0["message"] as? String)?.hasPrefix("p") == true })
    }

    @Test func quietProcessesAreForgottenAfterTheirLastEventIsFlushed() throws {
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: "many"), sink: sink, idleFlushDelay: .zero, readsServicePrefixes: true)
        for round in 0..<3 {
            for index in 0..<CaptureForwarder.maximumPrefixedProcesses {
                forwarder.append(line: Array("r\(round)p\(index)  | line".utf8))
            }
            forwarder.flushIdle()
        }
        let records = try Self.records(sink)
        #expect(records.count == 3 * CaptureForwarder.maximumPrefixedProcesses)
        #expect(records.allSatisfy { $0["message"] as? String == "line" }, "each round's processes fit once the last round's are gone")
    }
}

@Suite("trace-receiver run: a process multiplexer's services")
struct RunServicePrefixTests {
    /// A stand-in for `foreman start`: prints its processes' lines under their prefixes, interleaved.
    static let foreman = #"""
        #!/bin/sh
        echo "12:00:01 system | api.1 started with pid 41"
        echo "12:00:01 api.1  | {\"level\":\"warn\",\"msg\":\"slow checkout\",\"request_id\":\"$1\"}"
        echo "12:00:02 web.1  | ERROR checkout failed request_id=$1"
        echo "12:00:02 api.1  | INFO done request_id=$1"
        """#

    /// A stand-in for `kubectl logs --prefix`: two containers of one pod.
    static let kubectl = #"""
        #!/bin/sh
        echo "[pod/shop-7d9f8-x2k4q/api] {\"level\":\"warn\",\"msg\":\"slow checkout\",\"request_id\":\"$1\"}"
        echo "[pod/shop-7d9f8-x2k4q/web] ERROR checkout failed request_id=$1"
        echo "[pod/shop-7d9f8-x2k4q/api] INFO done request_id=$1"
        """#

    /// A stand-in for `concurrently -n api,web …`: named and numbered processes, one printing pino's JSON.
    static let concurrently = #"""
        #!/bin/sh
        echo "[api] {\"level\":40,\"msg\":\"slow checkout\",\"request_id\":\"$1\"}"
        echo "[web] ERROR checkout failed request_id=$1"
        echo "[2] INFO done request_id=$1"
        """#

    /// A stand-in for `turbo dev`: packages' tasks, one scoped.
    static let turbo = #"""
        #!/bin/sh
        echo "@acme/api:dev: {\"level\":\"warn\",\"msg\":\"slow checkout\",\"request_id\":\"$1\"}"
        echo "web:dev: {\"level\":\"error\",\"msg\":\"checkout failed\",\"request_id\":\"$1\"}"
        echo "web:dev: INFO done request_id=$1"
        """#

    /// Runs the stand-in `script` as `program` (its file name decides whether `auto` reads prefixes) with
    /// `commandArguments` before the request id it prints.
    static func wrap(
        _ arguments: [String],
        program: String = "foreman",
        script source: String = foreman,
        commandArguments: [String] = [],
        receiver: RunningReceiver,
        directory: String
    ) async throws -> Int32 {
        let script = directory + "/" + program
        try writeExecutable(source.replacingOccurrences(of: "$1", with: "$\(commandArguments.count + 1)"), to: script)
        let wrapper = try WrapperProcess(
            ["run", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon"] + arguments
                + ["--", script] + commandArguments + ["r-foreman"],
            environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"],
            directory: directory
        )
        let (status, _, stderr) = await wrapper.finish()
        #expect(status == 0, "\(String(decoding: stderr, as: UTF8.self))")
        return status
    }

    @Test func eachPrefixedLineIsStoredUnderItsServiceWithItsOwnLevel() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                #expect(try await Self.wrap([], receiver: receiver, directory: directory) == 0)
                let records = try await receiver.store.search(LogQuery(requestID: "r-foreman", limit: 10)).records
                let byMessage = Dictionary(records.map { ($0.message, $0) }, uniquingKeysWith: { first, _ in first })
                #expect(records.count == 3)
                #expect(byMessage["slow checkout"]?.service == "api")
                #expect(byMessage["slow checkout"]?.level == .warning)
                #expect(byMessage["ERROR checkout failed request_id=r-foreman"]?.service == "web")
                #expect(byMessage["ERROR checkout failed request_id=r-foreman"]?.level == .error)
                #expect(byMessage["INFO done request_id=r-foreman"]?.service == "api")
            }
        }
    }

    @Test(arguments: [(["compose", "up"], true), (["logs", "-f", "api"], false)])
    func dockerReadsPrefixesOnlyForCompose(arguments: [String], reads: Bool) async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let status = try await Self.wrap([], program: "docker", commandArguments: arguments, receiver: receiver, directory: directory)
                #expect(status == 0)
                let records = try await receiver.store.search(LogQuery(requestID: "r-foreman", limit: 10)).records
                #expect(records.count == 3)
                #expect(Set(records.map(\.service)) == (reads ? ["api", "web"] : ["docker"]), "\(records.map(\.service))")
            }
        }
    }

    @Test(arguments: [(["logs", "-f", "--prefix", "-l", "app=shop"], true), (["logs", "-f", "-l", "app=shop"], false)])
    func kubectlLogsPrefixesNameTheContainerAndPod(arguments: [String], reads: Bool) async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let status = try await Self.wrap([], program: "kubectl", script: Self.kubectl, commandArguments: arguments, receiver: receiver, directory: directory)
                #expect(status == 0)
                let records = try await receiver.store.search(LogQuery(requestID: "r-foreman", limit: 10)).records
                #expect(records.count == 3)
                #expect(Set(records.map(\.service)) == (reads ? ["api", "web"] : ["kubectl"]), "\(records.map(\.service))")
                if reads {
                    let slow = try #require(records.first { $0.message == "slow checkout" })
                    #expect(slow.level == .warning)
                    #expect(slow.fields?.contains(#""pod":"shop-7d9f8-x2k4q""#) == true, "\(slow.fields ?? "")")
                }
            }
        }
    }

    @Test(arguments: [
        ("concurrently", [], true), ("npx", ["-y", "concurrently", "-n", "api,web"], true), ("npm", ["run", "dev"], false),
    ])
    func concurrentlyPrefixesNameTheServicesAlsoThroughAPackageRunner(program: String, arguments: [String], reads: Bool) async throws {
        let byMessage = try await Self.storedByMessage(running: Self.concurrently, as: program, arguments)
        if reads {
            #expect(byMessage["slow checkout"]?.service == "api")
            #expect(byMessage["slow checkout"]?.level == .warning, "the JSON behind the prefix is read")
            #expect(byMessage["ERROR checkout failed request_id=r-foreman"]?.service == "web")
            #expect(byMessage["INFO done request_id=r-foreman"]?.service == program, "a process number keeps the run's service")
        } else {
            #expect(byMessage.allSatisfy { $0.value.service == program && $0.key.hasPrefix("[") }, "\(byMessage.keys)")
        }
    }

    @Test(arguments: [("turbo", ["dev"]), ("pnpm", ["exec", "turbo", "dev"])])
    func turborepoPrefixesNameThePackages(program: String, arguments: [String]) async throws {
        let byMessage = try await Self.storedByMessage(running: Self.turbo, as: program, arguments)
        #expect(byMessage["slow checkout"]?.service == "api")
        #expect(byMessage["slow checkout"]?.level == .warning)
        #expect(byMessage["checkout failed"]?.service == "web")
        #expect(byMessage["checkout failed"]?.level == .error, "an error behind the prefix stays an error")
        #expect(byMessage["INFO done request_id=r-foreman"]?.service == "web")
    }

    /// Runs the stand-in `script` as `program` with `arguments`, expects the 3 records of request
    /// `r-foreman` it prints to be stored, and returns each one's service and level by its message.
    static func storedByMessage(
        running script: String, as program: String, _ arguments: [String]
    ) async throws -> [String: (service: String, level: Logger.Level)] {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let status = try await Self.wrap([], program: program, script: script, commandArguments: arguments, receiver: receiver, directory: directory)
                #expect(status == 0)
                let records = try await receiver.store.search(LogQuery(requestID: "r-foreman", limit: 10)).records
                #expect(records.count == 3)
                return Dictionary(records.map { ($0.message, (service: $0.service, level: $0.level)) }, uniquingKeysWith: { first, _ in first })
            }
        }
    }

    @Test func aPrefixedCopyOfARecordTheServiceStreamsIsStoredOnce() async throws {
        try await withReceiver { (receiver) async throws in
            let streamed = #"{"timestamp":"2026-01-31T10:15:23.123456Z","level":"info","service":"checkout","message":"charged card","request_id":"r-7","instance":"checkout-1","seq":1}"#
            let sink = InMemoryLogSink()
            let forwarder = CaptureForwarder(parser: CaptureParser(service: "docker"), sink: sink, readsServicePrefixes: true)
            forwarder.append(line: Array("checkout-1  | \(streamed)".utf8))
            forwarder.finish()
            let captured = try #require(sink.lines.first)
            #expect(try await receiver.postLogs(streamed).counts() == Counts(accepted: 1))
            #expect(try await receiver.postLogs(captured).counts() == Counts(accepted: 0, duplicates: 1))
        }
    }

    @Test func servicePrefixesOffKeepsTheLinesWhole() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                #expect(try await Self.wrap(["--service-prefixes", "off"], receiver: receiver, directory: directory) == 0)
                let records = try await receiver.store.search(LogQuery(requestID: "r-foreman", limit: 10)).records
                #expect(records.count == 3)
                #expect(records.allSatisfy { $0.service == "foreman" }, "\(records.map(\.service))")
                let json = records.first { $0.message.contains("slow checkout") }
                #expect(json?.message.hasPrefix("api.1  | {") == true, "the prefix stays in the line, so its JSON is text")
            }
        }
    }
}
