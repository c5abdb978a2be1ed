import AsyncHTTPClient
import Foundation
import RequestTracingShipper
import TestSupport
import Testing

@testable import TraceReceiver

/// A `trace-receiver …` child process with its output collected.
final class WrapperProcess: Sendable {
    let program: SpawnedProgram

    /// Where spools go when a test names none: this test run's own folder, never the developer's
    /// `~/.local/state`, where a spool a killed test left would be replayed into a later test's receiver.
    static let spoolRoot = FileManager.default.temporaryDirectory.path + "/trace-receiver-test-spools-\(UUID().uuidString)"

    init(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws {
        var environment = environment
        if environment["TRACE_RECEIVER_SPOOL_DIR"] == nil { environment["TRACE_RECEIVER_SPOOL_DIR"] = Self.spoolRoot }
        program = try SpawnedProgram(try builtExecutable("trace-receiver").path, arguments, environment: environment, directory: directory)
    }

    var processIdentifier: Int32 { program.processIdentifier }

    /// Waits for exit and returns the status with everything written.
    func finish() async -> (status: Int32, stdout: Data, stderr: Data) {
        await program.finish()
    }
}

@Suite("trace-receiver run: wrapping a program that was never changed")
struct RunCommandTests {
    static let pythonApp = #"""
        import logging, sys
        import structlog
        logging.basicConfig(level=logging.INFO, format="%(asctime)s - %(name)s - %(levelname)s - %(message)s")
        log = logging.getLogger("shop")
        rid = sys.argv[1]
        log.info("checkout started request_id=%s", rid)
        log.warning("inventory slow request_id=%s", rid)
        structlog.configure(processors=[structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt="iso"), structlog.processors.JSONRenderer()])
        structlog.get_logger().error("payment declined", request_id=rid, amount=42)
        sys.stdout.flush()
        try:
            1 / 0
        except Exception:
            log.exception("checkout failed request_id=%s", rid)
        print(f"done {rid}")
        sys.exit(3)
        """#

    @Test func aWrappedPythonProgramsLinesAreSearchableByItsRequestIDWithTheRightLevels() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                try Self.pythonApp.write(toFile: directory + "/app.py", atomically: true, encoding: .utf8)
                let requestID = "0190a1b2-c3d4-7e5f-8a9b-\(String(UInt64.random(in: 0..<(1 << 47)), radix: 16).padding(toLength: 12, withPad: "0", startingAt: 0))"
                let wrapper = try WrapperProcess(
                    ["run", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--service", "shop", "--", "python3", "app.py", requestID],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"],
                    directory: directory
                )
                let (status, stdout, stderr) = await wrapper.finish()
                #expect(status == 3, "the child's exit status: \(String(decoding: stderr, as: UTF8.self))")
                let printed = String(decoding: stdout, as: UTF8.self)
                #expect(printed.contains("\"event\": \"payment declined\"") && printed.hasSuffix("done \(requestID)\n"), "stdout passes through")
                #expect(String(decoding: stderr, as: UTF8.self).contains("ZeroDivisionError: division by zero"), "stderr passes through")

                let records = try await receiver.store.search(LogQuery(requestID: requestID, limit: 100)).records.sorted { $0.id < $1.id }
                #expect(records.allSatisfy { $0.source == .capture && $0.service == "shop" })
                let byMessage = Dictionary(records.map { ($0.message, $0) }, uniquingKeysWith: { first, _ in first })
                #expect(byMessage["checkout started request_id=\(requestID)"]?.level == .info)
                #expect(byMessage["inventory slow request_id=\(requestID)"]?.level == .warning)
                #expect(byMessage["payment declined"]?.level == .error)
                let failure = try #require(byMessage["checkout failed request_id=\(requestID)"], "\(records.map(\.message))")
                #expect(failure.level == .error)
                #expect(failure.errorType == "ZeroDivisionError")
                #expect(failure.stack?.contains("Traceback (most recent call last):") == true, "the traceback joins its event")
                #expect(byMessage["done \(requestID)"]?.level == .info)
                #expect(records.count == 5, "\(records.map(\.message))")
            }
        }
    }

    /// What a Rails app in production prints (Ruby's Logger, tagged by `config.log_tags = [:request_id]`)
    /// for a request that fails, and the access log line of the nginx in front of it, timed and tagged too.
    static let railsBehindNginx = #"""
        #!/bin/sh
        id=5f1c3a9e-8d2b-4e4f-9a1b-2c3d4e5f6a7b
        echo 'I, [2026-11-30T10:20:01.123456 #12345]  INFO -- : ['$id'] Started GET "/orders/42" for 127.0.0.1 at 2026-11-30 10:20:01 +0000'
        echo 'I, [2026-11-30T10:20:01.125000 #12345]  INFO -- : ['$id'] Processing by OrdersController#show as HTML'
        echo 'F, [2026-11-30T10:20:01.130000 #12345] FATAL -- : ['$id'] ActiveRecord::RecordNotFound (Couldn'"'"'t find Order with id 42)'
        echo 'I, [2026-11-30T10:20:01.131000 #12345]  INFO -- : ['$id'] Completed 500 Internal Server Error in 6ms (ActiveRecord: 0.4ms)'
        echo '127.0.0.1 - - [30/Nov/2026:10:20:01 +0000] "GET /orders/42?ref=mail HTTP/1.1" 500 1234 "-" "curl/8.5.0" rt=0.009 request_id='$id
        id=6a2d4bf0-9e3c-4f50-8b2c-3d4e5f6a7b8c
        echo 'I, [2026-11-30T10:20:02.000000 #12345]  INFO -- : ['$id'] Started POST "/orders" for 127.0.0.1 at 2026-11-30 10:20:02 +0000'
        echo 'I, [2026-11-30T10:20:02.020000 #12345]  INFO -- : ['$id'] Completed 201 Created in 20ms (ActiveRecord: 3.1ms)'
        """#

    /// The request list after `script` ran wrapped by `trace-receiver run` (and exited 0), with the
    /// receiver it shipped to.
    static func listedRequests(
        running script: String, _ body: (RunningReceiver, [[String: Any]]) async throws -> Void
    ) async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                try writeExecutable(script, to: directory + "/program")
                let wrapper = try WrapperProcess(
                    ["run", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--", directory + "/program"],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"],
                    directory: directory
                )
                let (status, _, stderr) = await wrapper.finish()
                #expect(status == 0, "\(String(decoding: stderr, as: UTF8.self))")
                try await body(receiver, try await RequestListTests.requests(receiver))
            }
        }
    }

    @Test func aWrappedWebAppsRequestsAreListedWithTheirMethodPathStatusAndDuration() async throws {
        try await Self.listedRequests(running: Self.railsBehindNginx) { receiver, requests in
            #expect(requests.count == 2, "\(requests)")
            // Rails alone names the method and path when the request starts.
            let created = try #require(requests.first)
            #expect(created["request_id"] as? String == "6a2d4bf0-9e3c-4f50-8b2c-3d4e5f6a7b8c")
            #expect(created["method"] as? String == "POST")
            #expect(created["path"] as? String == "/orders")
            #expect(created["status"] as? Int == 201)
            #expect(created["duration_ms"] as? Double == 20)
            #expect(created["failed"] as? Bool == false)
            let request = try #require(requests.last)
            #expect(request["request_id"] as? String == "5f1c3a9e-8d2b-4e4f-9a1b-2c3d4e5f6a7b")
            #expect(request["method"] as? String == "GET")
            // The access line, the longer hop, describes the request: nginx's path (without its query).
            #expect(request["path"] as? String == "/orders/42")
            #expect(request["status"] as? Int == 500)
            #expect(request["duration_ms"] as? Double == 9)
            #expect(request["failed"] as? Bool == true)
            let (completions, _) = try await receiver.search("event=request_failed")
            #expect(completions.map { $0["duration_ms"] as? Double } == [6, 9], "Rails' own, and nginx's (timed to the second)")
        }
    }

    /// A Vapor 4 app (its console logger, `RouteLoggingMiddleware`) and a Hummingbird 2 app (swift-log's
    /// `StreamLogHandler`, `LogRequestsMiddleware`), as they log the requests they serve: a line when each
    /// starts, none when it ends.
    static let swiftServersLoggingStarts = #"""
        #!/bin/sh
        echo '[ INFO ] Server started on http://127.0.0.1:8080'
        echo '[ INFO ] GET /hello [request-id: 8F0B5A7E-0D5E-4B4C-9E8E-3D0C2A1B4F6E]'
        echo '[ WARNING ] Abort.404: Not Found [request-id: 8F0B5A7E-0D5E-4B4C-9E8E-3D0C2A1B4F6E]'
        echo '2026-11-30T10:07:47+0000 info bench: hb.request.id=353ac6dfa5814aaa0a0b033b8f1d4660 hb.request.method=POST hb.request.path=/api/orders [Hummingbird] Request'
        echo 'GET /not-a-request'
        """#

    @Test func requestsThatVaporAndHummingbirdLogOnlyWhenTheyStartAreListedAsRunning() async throws {
        try await Self.listedRequests(running: Self.swiftServersLoggingStarts) { receiver, requests in
            #expect(requests.count == 2, "\(requests)")
            // Newest first: the console line has no time of its own, so it is stamped on arrival, after 10:07.
            let vapor = try #require(requests.first)
            #expect(vapor["request_id"] as? String == "8F0B5A7E-0D5E-4B4C-9E8E-3D0C2A1B4F6E")
            #expect(vapor["method"] as? String == "GET")
            #expect(vapor["path"] as? String == "/hello")
            #expect(vapor["status"] == nil, "no line says how it ended")
            #expect(vapor["failed"] as? Bool == false, "its 404 was a warning")
            let hummingbird = try #require(requests.last)
            #expect(hummingbird["request_id"] as? String == "353ac6dfa5814aaa0a0b033b8f1d4660")
            #expect(hummingbird["method"] as? String == "POST")
            #expect(hummingbird["path"] as? String == "/api/orders")
            #expect(hummingbird["status"] == nil)
            let (starts, _) = try await receiver.search("event=request_received")
            #expect(starts.count == 2, "a method and a path without a request id is no request: \(starts)")
        }
    }

    /// An ASP.NET Core app logging with `AddJsonConsole(o => o.IncludeScopes = true)`: its hosting
    /// diagnostics' start and end of a request, and a controller's error between them, each line carrying
    /// the request's scopes (trace and span ids, connection, request id and path).
    static let aspNetCoreJSONConsole = #"""
        #!/bin/sh
        scopes='"Scopes":[{"Message":"SpanId:4c8d1fe5ba3a8b8f, TraceId:8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b, ParentId:0000000000000000","SpanId":"4c8d1fe5ba3a8b8f","TraceId":"8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b","ParentId":"0000000000000000"},{"Message":"ConnectionId:0HN5F6S8O9Q1K","ConnectionId":"0HN5F6S8O9Q1K"},{"Message":"RequestPath:/orders/42 RequestId:0HN5F6S8O9Q1K:00000001","RequestId":"0HN5F6S8O9Q1K:00000001","RequestPath":"/orders/42"}]'
        echo '{"EventId":14,"LogLevel":"Information","Category":"Microsoft.Hosting.Lifetime","Message":"Now listening on: http://localhost:5000","State":{"Message":"Now listening on: http://localhost:5000","address":"http://localhost:5000","{OriginalFormat}":"Now listening on: {address}"}}'
        echo '{"EventId":1,"LogLevel":"Information","Category":"Microsoft.AspNetCore.Hosting.Diagnostics","Message":"Request starting HTTP/1.1 GET http://localhost:5000/orders/42?ref=mail - - -","State":{"Message":"Request starting HTTP/1.1 GET http://localhost:5000/orders/42?ref=mail - - -","Protocol":"HTTP/1.1","Method":"GET","Path":"/orders/42","QueryString":"?ref=mail"},'"$scopes"'}'
        echo '{"EventId":0,"LogLevel":"Error","Category":"Shop.OrdersController","Message":"Loading order 42 failed","Exception":"System.InvalidOperationException: Order 42 is closed    at Shop.OrdersController.Get(Int32 id) in /src/OrdersController.cs:line 17","State":{"Message":"Loading order 42 failed","OrderId":42,"{OriginalFormat}":"Loading order {OrderId} failed"},'"$scopes"'}'
        echo '{"EventId":2,"LogLevel":"Information","Category":"Microsoft.AspNetCore.Hosting.Diagnostics","Message":"Request finished HTTP/1.1 GET http://localhost:5000/orders/42?ref=mail - 500 - application/json;\u002Bcharset=utf-8 12.3456ms","State":{"Message":"Request finished HTTP/1.1 GET http://localhost:5000/orders/42?ref=mail - 500 - application/json;\u002Bcharset=utf-8 12.3456ms","ElapsedMilliseconds":12.3456,"StatusCode":500,"Method":"GET","Path":"/orders/42"},'"$scopes"'}'
        """#

    @Test func aWrappedAspNetCoreAppLoggingJSONIsOneRequestWithItsErrorAndTrace() async throws {
        try await Self.listedRequests(running: Self.aspNetCoreJSONConsole) { receiver, requests in
            #expect(requests.count == 1, "\(requests)")
            let request = try #require(requests.first)
            #expect(request["request_id"] as? String == "0HN5F6S8O9Q1K:00000001")
            #expect(request["trace_id"] as? String == "8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b")
            #expect(request["method"] as? String == "GET")
            #expect(request["path"] as? String == "/orders/42")
            #expect(request["status"] as? Int == 500)
            #expect(request["duration_ms"] as? Double == 12.346, "as the list rounds it")
            #expect(request["failed"] as? Bool == true)
            let trace = try await receiver.get("/api/debug/trace/8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b").object()
            let timeline = try #require(trace["timeline"] as? [[String: Any]])
            #expect(timeline.count == 3, "the start, the error and the end: \(timeline)")
            let failure = try #require(timeline.first { $0["level"] as? String == "error" })
            #expect(failure["message"] as? String == "Loading order 42 failed")
            #expect(failure["error_type"] as? String == "System.InvalidOperationException")
            #expect(failure["error"] as? String == "Order 42 is closed")
            #expect((failure["stack"] as? String)?.contains("\n   at Shop.OrdersController.Get(Int32 id)") == true)
            #expect((failure["fields"] as? [String: Any])?["OrderId"] as? Int == 42)
            #expect(trace["error_count"] as? Int == 1, "the controller's error: ASP.NET logs the 500 itself at information")
        }
    }

    @Test func passesOutputThroughByteForByteAndExitsWithTheChildsStatus() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let script = #"printf 'one\r\ntwo\000three\377\n'; printf 'to stderr\n' >&2; printf 'no newline at the end'; exit 7"#
                let wrapper = try WrapperProcess(
                    ["run", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--service", "bytes", "--", "/bin/sh", "-c", script],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory]
                )
                let (status, stdout, stderr) = await wrapper.finish()
                #expect(status == 7)
                #expect(Array(stdout) == Array("one\r\ntwo".utf8) + [0] + Array("three".utf8) + [0xFF, 0x0A] + Array("no newline at the end".utf8))
                // run's own notes (a slow acknowledgement under load: "sending the last …") are its own lines.
                let passedThrough = String(decoding: stderr, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { !$0.hasPrefix("[trace-receiver run] ") }.joined(separator: "\n")
                #expect(passedThrough == "to stderr\n")
                let messages = try await receiver.store.search(LogQuery(service: "bytes", limit: 10)).records.map(\.message)
                #expect(Set(messages) == ["one", "two\u{0}three\u{FFFD}", "to stderr", "no newline at the end"])
            }
        }
    }

    @Test func aLineTooLongToCaptureWholeIsPassedThroughWholeAndStoredCutSayingHowMuchWasLeftOut() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let script = "print('x' * 200000); print('after')"
                let wrapper = try WrapperProcess(
                    ["run", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--service", "long", "--", "python3", "-c", script],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory]
                )
                let (status, stdout, _) = await wrapper.finish()
                #expect(status == 0)
                #expect(stdout.count == 200_000 + "\nafter\n".utf8.count)
                let records = try await receiver.store.search(LogQuery(service: "long", limit: 10)).records
                #expect(Set(records.map(\.message)).contains("after"))
                let cut = try #require(records.first { $0.message.hasPrefix("xxx") })
                let kept = CaptureForwarder.maximumLineBytes
                #expect(cut.message == String(repeating: "x", count: kept) + " [… \(200_000 - kept) more bytes of this line not captured]")
            }
        }
    }

    @Test func aStackTraceTooLongForOneRecordIsStoredCutSayingHowMuchWasLeftOut() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                // A Java exception whose 475 frames (65,146 bytes with its first line) join into one event
                // under the joiner's 64 KiB cap, but not into one record under the receiver's 64 KiB
                // record limit once its tabs and newlines are escaped. Its frames hold multi-byte text,
                // so a careless cut would split a character.
                let script = #"""
                    print('Exception in thread "main" java.lang.RuntimeException: boom ünïcödé')
                    for i in range(475):
                        print(f"\tat com.example.ünïcödé.package.name.for.testing.purposes.of.this.receiver.ServiceImplementation.methodNumber{i:04}(Service.java:{i:04})")
                    print("done")
                    """#
                let wrapper = try WrapperProcess(
                    ["run", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--service", "java", "--", "python3", "-c", script],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory]
                )
                let (status, _, stderr) = await wrapper.finish()
                #expect(status == 0, "\(String(decoding: stderr, as: UTF8.self))")
                let records = try await receiver.store.search(LogQuery(service: "java", limit: 10)).records
                let exception = try #require(records.first { $0.message.hasPrefix("Exception in thread") }, "\(records.map(\.message))")
                #expect(exception.level == .error)
                let stack = try #require(exception.stack)
                #expect(stack.hasPrefix("\tat com.example.ünïcödé.package.name.for.testing.purposes.of.this.receiver.ServiceImplementation.methodNumber0000("))
                #expect(stack.range(of: #"\n\[… \d+ more bytes of this event not captured\]$"#, options: .regularExpression) != nil, "\(stack.suffix(200))")
                #expect(exception.jsonLine.utf8.count <= CaptureForwarder.maximumRecordBytes)
                #expect(records.contains { $0.message == "done" })
                let metrics = try await receiver.metrics()
                #expect(!metrics.contains(#"outcome="rejected""#), "nothing refused by the receiver")
            }
        }
    }

    @Test func aCrashingSwiftProgramIsOneCriticalRecordWithTheRuntimesBacktrace() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                // Its stdout is a pipe, so a `print` before the crash would die in the buffer: it writes nothing else.
                let source = #"""
                    func handler(_ values: [Int]) -> Int { values[3] }
                    print(handler([1, 2]))
                    """#
                try source.write(toFile: directory + "/main.swift", atomically: true, encoding: .utf8)
                let compiler = try SpawnedProgram("/usr/bin/env", ["swiftc", "-g", "main.swift", "-o", "crashapp"], directory: directory)
                let compiled = await compiler.finish()
                try #require(compiled.status == 0, "\(String(decoding: compiled.stderr, as: UTF8.self))")
                let wrapper = try WrapperProcess(
                    ["run", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--service", "crashy", "--", "./crashapp"],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool", "SWIFT_BACKTRACE": "enable=yes,interactive=no"],
                    directory: directory
                )
                let (status, _, stderr) = await wrapper.finish()
                #expect(status == 128 + SIGILL, "the crash's status comes back")
                let report = String(decoding: stderr, as: UTF8.self)
                let records = try await receiver.store.search(LogQuery(service: "crashy", limit: 100)).records
                #expect(records.count == 1, "the whole report joins the fatal error: \(records.map(\.message))")
                let crash = try #require(records.first { $0.level == .critical }, "\(records.map(\.message))")
                #expect(crash.message.hasSuffix("Fatal error: Index out of range"))
                #expect(crash.error == "Index out of range")
                #expect(crash.stack?.contains("main.swift:2") == true, "the frames of the report: \(report)")
                #expect(crash.stack?.contains("Backtrace took") == true)
            }
        }
    }

    @Test func forwardsATerminationSignalToTheChildAndReportsItsStatus() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let ready = directory + "/ready"
                let script = #"trap 'echo "got TERM"; exit 42' TERM; touch "$0"; while true; do sleep 0.05; done"#
                let wrapper = try WrapperProcess(
                    ["run", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--service", "signals", "--", "/bin/sh", "-c", script, ready],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
                )
                #expect(await eventually(within: 20) { FileManager.default.fileExists(atPath: ready) })
                kill(wrapper.processIdentifier, SIGTERM)
                let (status, stdout, _) = await wrapper.finish()
                #expect(status == 42, "the child handled the forwarded SIGTERM and its status came back")
                #expect(String(decoding: stdout, as: UTF8.self) == "got TERM\n")
                #expect(try await receiver.store.search(LogQuery(service: "signals", limit: 10)).records.map(\.message) == ["got TERM"])
            }
        }
    }

    @Test func aRecordTheProgramStreamsItselfIsNotStoredTwice() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let gatewayPort = try unusedLoopbackPort()
                let inventoryPort = try unusedLoopbackPort()
                let demo = try builtExecutable("demo-server").path
                let wrapper = try WrapperProcess(
                    ["run", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--", demo, "--port", "\(gatewayPort)", "--downstream-port", "\(inventoryPort)"],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory]
                )
                let id = try await demoCheckoutRequestID(gatewayPort: gatewayPort)
                try await Task.sleep(for: .milliseconds(500))
                kill(wrapper.processIdentifier, SIGINT)
                let (status, stdout, _) = await wrapper.finish()
                #expect(status == 0, "SIGINT forwarded: the demo shut down gracefully")
                let printed = String(decoding: stdout, as: UTF8.self).split(separator: "\n").filter { $0.contains(id) }
                #expect(printed.count >= 4, "both services logged the request")
                let stored = try await receiver.store.search(LogQuery(requestID: id, limit: 100)).records
                #expect(stored.count == printed.count, "each record once, though it was both streamed and captured")
                #expect(Set(stored.map(\.service)) == ["gateway", "inventory"])
            }
        }
    }

    /// A program that prints more at exit than the receiver lets its service store at once: `run` stays
    /// while the receiver keeps taking the lines (here 200 a second after a burst of 400: about 15 s for
    /// 4,000), longer than `--exit-flush-timeout` (10 s, room for a loaded machine's slowest answer),
    /// which bounds only a wait without progress.
    @Test func waitsAtExitWhileARateLimitingReceiverKeepsTakingTheLastLines() async throws {
        try await withReceiver(configure: { $0.serviceRecordsPerSecond = 200 }) { receiver in
            try await withTemporaryDirectory { directory in
                let wrapper = try WrapperProcess(
                    ["run", "--exit-flush-timeout", "10", "--receiver", receiver.baseURL, "--no-daemon", "--service", "burst", "--", "seq", "1", "4000"],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
                )
                let started = ContinuousClock.now
                let (status, stdout, stderr) = await wrapper.finish()
                let notes = String(decoding: stderr, as: UTF8.self)
                #expect(status == 0, "\(notes)")
                #expect(stdout.count == String((1...4000).map { "\($0)\n" }.joined()).utf8.count, "stdout passes through")
                #expect(notes.contains("[trace-receiver run] sending the last "), "\(notes)")
                #expect(!notes.contains("not yet acknowledged"), "\(notes)")
                #expect(ContinuousClock.now - started > .seconds(10), "the receiver needed longer than the flush timeout")
                #expect(try await receiver.store.search(LogQuery(service: "burst", limit: 1)).totalCount == 4000)
            }
        }
    }

    /// Once the program has exited, Ctrl-C stops `run`'s wait for the receiver at once; the lines not yet
    /// taken stay spooled for the next run.
    @Test func ctrlCWhileWaitingForTheReceiverToTakeTheLastLinesStopsAtOnceAndKeepsThemSpooled() async throws {
        try await withReceiver(configure: { $0.serviceRecordsPerSecond = 50 }) { receiver in
            try await withTemporaryDirectory { directory in
                let notes = directory + "/stderr"
                let program = try SpawnedProgram(
                    try builtExecutable("trace-receiver").path,
                    ["run", "--receiver", receiver.baseURL, "--no-daemon", "--service", "patient", "--", "seq", "1", "2000"],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"],
                    standardOutput: .null, standardError: .file(notes)
                )
                let waiting = await eventually(within: 60) {
                    ((try? String(contentsOfFile: notes, encoding: .utf8)) ?? "").contains("sending the last")
                }
                try #require(waiting, "run says it is waiting: \((try? String(contentsOfFile: notes, encoding: .utf8)) ?? "")")
                let interrupted = ContinuousClock.now
                program.send(SIGINT)
                let (status, _, _) = await program.finish()
                #expect(status == 128 + SIGINT)
                #expect(ContinuousClock.now - interrupted < .seconds(5), "stopped at once, not after the receiver took every line")
                let stored = try await receiver.store.search(LogQuery(service: "patient", limit: 1)).totalCount
                let spooled = spooledRecords(directory + "/spool/run-patient")
                #expect(stored < 2000 && stored + spooled >= 2000, "stored \(stored), spooled \(spooled)")
            }
        }
    }

    @Test func keepsWhatItCouldNotSendUnderTheSpoolDirectoryTheEnvironmentNames() async throws {
        let port = try unusedLoopbackPort()  // nothing listens: every line stays spooled
        try await withTemporaryDirectory { directory in
            let service = "spooled-\(UUID().uuidString)"
            let wrapper = try WrapperProcess(
                ["run", "--receiver", "http://127.0.0.1:\(port)", "--no-daemon", "--exit-flush-timeout", "1", "--service", service, "--", "/bin/echo", "kept"],
                environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
            )
            let (status, _, stderr) = await wrapper.finish()
            let note = String(decoding: stderr, as: UTF8.self)
            #expect(status == 0)
            #expect(note.contains("1 captured records not yet acknowledged; they stay in \(directory)/spool/run-\(service)"), "\(note)")
            #expect(spooledRecords(directory + "/spool/run-\(service)") == 1)
            let defaultRoot = LogShipper.Configuration.defaultSpoolRoot + "/run-\(service)"
            #expect(!FileManager.default.fileExists(atPath: defaultRoot), "nothing under the default spool root")
        }
    }

    @Test func aProgramThatCannotStartExitsWithTheStatusAShellWouldGive() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let notExecutable = directory + "/script.sh"
                try "echo never\n".write(toFile: notExecutable, atomically: true, encoding: .utf8)  // mode 0644
                for (command, status, reason) in [
                    ("no-such-program-\(UUID().uuidString)", Int32(127), "No such file or directory"),
                    (notExecutable, 126, "Permission denied"),
                    (directory, 126, "Permission denied"),
                ] {
                    let wrapper = try WrapperProcess(
                        ["run", "--receiver", receiver.baseURL, "--no-daemon", "--", command],
                        environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
                    )
                    let (exitStatus, stdout, stderr) = await wrapper.finish()
                    #expect(exitStatus == status, "\(command)")
                    #expect(stdout.isEmpty)
                    #expect(String(decoding: stderr, as: UTF8.self).contains("cannot run \(command): \(reason)"))
                }
            }
        }
    }

    static func hasExited(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // "pid (name) S …": the state follows the closing parenthesis.
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    @Test func exitsWhenTheProgramExitsEvenIfABackgroundChildKeepsItsOutputOpen() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let started = ContinuousClock.now
                let wrapper = try WrapperProcess(
                    ["run", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--service", "daemonizing", "--", "/bin/sh", "-c", "sleep 30 & echo $! > \"$0\"; echo parent done", directory + "/sleeper"],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory]
                )
                // Foundation reports the exit only once the pipes close (here: after the sleep), so watch the
                // process itself: it has exited when it is a zombie or gone.
                let pid = wrapper.processIdentifier
                #expect(await eventually(within: 15) { Self.hasExited(pid) }, "did not wait for the background sleep")
                #expect(ContinuousClock.now - started < .seconds(15))
                kill(pid, SIGKILL)
                if let sleeper = try? String(contentsOfFile: directory + "/sleeper", encoding: .utf8), let sleeperPID = Int32(sleeper.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    kill(sleeperPID, SIGKILL)
                }
                #expect(try await receiver.store.search(LogQuery(service: "daemonizing", limit: 10)).records.map(\.message) == ["parent done"])
            }
        }
    }

    @Test func startsAReceiverInTheBackgroundWhenNoneAnswers() async throws {
        let port = try unusedLoopbackPort()
        try await withTemporaryDirectory { directory in
            let wrapper = try WrapperProcess(
                ["run", "--exit-flush-timeout", "30", "--receiver", "http://127.0.0.1:\(port)", "--store", directory + "/store", "--service", "lonely", "--", "/bin/echo", "hello from a program"],
                environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
            )
            let (status, stdout, stderr) = await wrapper.finish()
            let note = String(decoding: stderr, as: UTF8.self)
            let pid = try #require(note.firstMatch(of: /pid (\d+)/).flatMap { Int32($0.1) }, "\(note)")
            defer { kill(pid, SIGKILL) }
            #expect(status == 0)
            #expect(String(decoding: stdout, as: UTF8.self) == "hello from a program\n")
            let daemon = ReceiverProcessClient(port: port)
            #expect(try await daemon.messages("service=lonely") == ["hello from a program"], "the daemon outlived run and holds the line")
        }
    }

    @Test func aReceiverItStartsThatCannotRunIsReportedAtOnceWithWhatItSaid() async throws {
        try await withTemporaryDirectory { directory in
            // A receiver on another port already owns the store, so the one `run` starts cannot open it.
            let owner = try await ReceiverProcess.start(port: try unusedLoopbackPort(), store: directory + "/store")
            let started = ContinuousClock.now
            let wrapper = try WrapperProcess(
                ["run", "--receiver", "http://127.0.0.1:\(try unusedLoopbackPort())", "--store", directory + "/store", "--", "/bin/echo", "never"],
                environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
            )
            let (status, stdout, stderr) = await wrapper.finish()
            let note = String(decoding: stderr, as: UTF8.self)
            #expect(status != 0)
            #expect(stdout.isEmpty, "the program is not run without a receiver")
            #expect(note.contains("exited: Error: cannot open the store \(directory)/store/receiver.sqlite: another trace-receiver (pid \(owner.pid))"), "\(note)")
            // It used to wait out the 20 s start-up timeout: a daemon that failed is a zombie until reaped.
            #expect(started.duration(to: .now) < .seconds(10))
            #expect(await owner.isHealthy())
        }
    }
}
