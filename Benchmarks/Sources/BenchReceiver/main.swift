// Receiver benchmarks (release build; driven by Benchmarks/receiver.sh):
//   BenchReceiver ingest URL SECONDS [CONNECTIONS] [ndjson|otlp] [random-traces] [batch=N] [rate=R]
//                                                   — batches of 1,000 (NDJSON: or N) ~280-byte records over 50
//                                                     services, as NDJSON to /api/logs or as OTLP protobuf to
//                                                     /v1/logs; all share one trace id, or (NDJSON,
//                                                     random-traces) every five get a random one, as real
//                                                     traces do; as fast as accepted, or paced to R records/s
//                                                     in all (run.sh's receiver load for bare-loaded)
//   BenchReceiver store-floor [COUNT]              — µs per record spent in the stores' append alone
//   BenchReceiver populate DIR COUNT                — fill a SQLite store directly (for the query benchmark)
//   BenchReceiver serve-memory PORT COUNT           — serve the same records from the hot buffer (`--store memory`)
//   BenchReceiver query URL COUNT [REQUESTS]        — trace-by-id, filtered-search and request-list latency percentiles
//   BenchReceiver memory RECORDS CAP_BYTES          — hot-buffer resident bytes per record and cap under a flood
//   BenchReceiver capture [ITERATIONS]              — ns per captured line parsed, by format, against our own
//                                                     records' JSON (which capture hands to /api/logs' decoder)
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import UnixSignals
import TraceReceiver

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: BenchReceiver ingest|populate|serve-memory|query|memory|capture …")
    exit(2)
}

/// Fills `store` with `count` records for the query benchmark, one per millisecond ending now: ten per
/// request (the tenth its `request_completed`), requests spread over 50 services, a trace id per request.
func populate(_ store: any LogStore, count: Int) async throws {
    let start = Int64(Date().timeIntervalSince1970 * 1e6) - Int64(count) * 1000
    let levels: [Logger.Level] = [.debug, .info, .info, .info, .info, .notice, .warning, .error]
    let words = ["payment", "inventory", "checkout", "timeout", "cache", "login", "search", "upload"]
    var batch: [LogRecord] = []
    batch.reserveCapacity(10_000)
    for index in 0..<count {
        let request = index / 10  // ten records per request
        batch.append(LogRecord(
            timestamp: start + Int64(index) * 1000,
            level: levels[index % levels.count],
            service: "service-\(request % 50)",
            event: index % 10 == 9 ? "request_completed" : "step_\(index % 10)",
            message: "\(words[index % words.count]) step \(index % 10) for order \(request)",
            requestID: "req-\(request)",
            traceID: String(format: "%032x", request),
            spanID: String(format: "%016x", index),
            durationMS: index % 10 == 9 ? 12.5 : nil,
            fields: #"{"method":"GET","path":"/api/orders","status_code":200}"#
        ))
        if batch.count == 10_000 {
            try await store.append(batch)
            batch.removeAll(keepingCapacity: true)
        }
    }
    if !batch.isEmpty { try await store.append(batch) }
}

/// One record of about 280 bytes (the issue's ~250-byte record: every top-level field a service's request
/// line carries, no extra `fields`), unique by (batch, index).
func recordLine(run: String, index: Int, timestamp: String) -> String {
    let service = "service-\(index % 50)"
    return #"{"timestamp":"\#(timestamp)","level":"info","service":"\#(service)","event":"request_completed","message":"GET /api/items/000000000000 200","request_id":"\#(run)-000000000000","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","duration_ms":1.25}"#
}

/// A batch of 1,000 NDJSON records whose unique parts (a 12-digit counter in the message and request
/// id) are patched in place per batch, so the client spends almost nothing making fresh content.
struct IngestTemplate: Sendable {
    let bytes: [UInt8]
    let offsets: [Int]  // where each record's 12-digit counter starts (twice per record)
    /// Where each record's trace id starts, when every five records get a random one of their own (a
    /// request's lines, as W3C trace ids are random) rather than all sharing one.
    let traceOffsets: [Int]

    /// Records per batch.
    let count: Int

    init(run: String, timestamp: String, count: Int = 1000, randomTraces: Bool = false) {
        var text = ""
        var offsets: [Int] = []
        var traceOffsets: [Int] = []
        self.count = count
        for index in 0..<count {
            let line = recordLine(run: run, index: index, timestamp: timestamp)
            var search = line.startIndex
            while let range = line.range(of: "000000000000", range: search..<line.endIndex) {
                offsets.append(text.utf8.count + line.utf8.distance(from: line.startIndex, to: range.lowerBound))
                search = range.upperBound
            }
            if randomTraces, let range = line.range(of: #""trace_id":""#) {
                traceOffsets.append(text.utf8.count + line.utf8.distance(from: line.startIndex, to: range.upperBound))
            }
            text += line + "\n"
        }
        bytes = Array(text.utf8)
        self.offsets = offsets
        self.traceOffsets = traceOffsets
    }

    /// A template whose counters are every `000000000000` in `bytes`, two per record.
    init(bytes: [UInt8]) {
        self.bytes = bytes
        let zeros = Array("000000000000".utf8)
        var offsets: [Int] = []
        var index = 0
        while index + zeros.count <= bytes.count {
            if bytes[index..<index + zeros.count].elementsEqual(zeros) {
                offsets.append(index)
                index += zeros.count
            } else {
                index += 1
            }
        }
        self.offsets = offsets
        self.traceOffsets = []
        self.count = offsets.count / 2
    }

    func patch(_ body: inout [UInt8], batch: Int) {
        for (number, offset) in offsets.enumerated() {
            var value = batch * count + number / 2
            for position in stride(from: offset + 11, through: offset, by: -1) {
                body[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        let hex = Array("0123456789abcdef".utf8)
        for (record, offset) in traceOffsets.enumerated() {
            // Two rounds of splitmix64 over the trace's number: 32 hex digits that look random.
            var state = UInt64(batch * count + record / 5)
            for half in 0..<2 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var mixed = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
                mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
                mixed ^= mixed >> 31
                for digit in 0..<16 { body[offset + half * 16 + digit] = hex[Int((mixed >> UInt64(60 - 4 * digit)) & 0xF)] }
            }
        }
    }

    /// Reads `"accepted":n` from the receiver's answer.
    static func accepted(in answer: ByteBuffer) -> Int? {
        let text = String(buffer: answer)
        guard let range = text.range(of: "\"accepted\":") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}

/// The same 1,000 records as an OTLP `ExportLogsServiceRequest` in protobuf: 50 resources (one per
/// service) of 20 log records, each with the message as its body, the request id as an attribute, the
/// trace and span ids, a severity and a time; the counters are patched in place as in ``IngestTemplate``.
func otlpTemplate(run: String, nanoseconds: UInt64) -> IngestTemplate {
    func varint(_ value: UInt64, into bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 { bytes.append(UInt8(value & 0x7F) | 0x80); value >>= 7 }
        bytes.append(UInt8(value))
    }
    func field(_ number: UInt64, _ content: [UInt8], into bytes: inout [UInt8]) {
        varint(number << 3 | 2, into: &bytes)
        varint(UInt64(content.count), into: &bytes)
        bytes += content
    }
    func keyValue(_ key: String, _ text: String) -> [UInt8] {
        var pair: [UInt8] = []
        field(1, Array(key.utf8), into: &pair)
        var value: [UInt8] = []
        field(1, Array(text.utf8), into: &value)
        field(2, value, into: &pair)
        return pair
    }
    let traceID: [UInt8] = [0x4B, 0xF9, 0x2F, 0x35, 0x77, 0xB3, 0x4D, 0xA6, 0xA3, 0xCE, 0x92, 0x9D, 0x0E, 0x0E, 0x47, 0x36]
    let spanID: [UInt8] = [0x00, 0xF0, 0x67, 0xAA, 0x0B, 0xA9, 0x02, 0xB7]
    var request: [UInt8] = []
    for service in 0..<50 {
        var scopeLogs: [UInt8] = []
        for _ in 0..<20 {
            var record: [UInt8] = [0x09]  // 1: time_unix_nano (fixed64)
            withUnsafeBytes(of: nanoseconds.littleEndian) { record += $0 }
            record += [0x10, 0x09]  // 2: severity_number INFO
            var body: [UInt8] = []
            field(1, Array("GET /api/items/000000000000 200".utf8), into: &body)
            field(5, body, into: &record)
            field(6, keyValue("request_id", "\(run)-000000000000"), into: &record)
            field(12, Array("request_completed".utf8), into: &record)  // event_name
            field(9, traceID, into: &record)
            field(10, spanID, into: &record)
            field(2, record, into: &scopeLogs)
        }
        var resource: [UInt8] = []
        field(1, keyValue("service.name", "service-\(service)"), into: &resource)
        var resourceLogs: [UInt8] = []
        field(1, resource, into: &resourceLogs)
        field(2, scopeLogs, into: &resourceLogs)
        field(1, resourceLogs, into: &request)
    }
    return IngestTemplate(bytes: request)
}

func isoNow() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date())
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

switch arguments[1] {
case "ingest":
    let seconds = Double(arguments[3]) ?? 10
    let connections = arguments.count > 4 ? Int(arguments[4]) ?? 1 : 1
    let options = arguments.dropFirst(5)
    let otlp = options.contains("otlp")
    let randomTraces = options.contains("random-traces")
    let batchRecords = options.compactMap { $0.hasPrefix("batch=") ? Int($0.dropFirst(6)) : nil }.last ?? 1000
    // Paced: each connection sends a batch every `interval`, on a schedule (not after a fixed sleep), so
    // the rate holds whatever a batch takes.
    let rate = options.compactMap { $0.hasPrefix("rate=") ? Double($0.dropFirst(5)) : nil }.last
    let interval = rate.map { Duration.seconds(Double(batchRecords * connections) / max($0, 1)) }
    let url = arguments[2] + (otlp ? "/v1/logs" : "/api/logs")
    let run = String(UInt64.random(in: 0..<UInt64.max) % 1_000_000_000, radix: 36)
    let template = otlp
        ? otlpTemplate(run: run, nanoseconds: UInt64(Date().timeIntervalSince1970 * 1e9))
        : IngestTemplate(run: run, timestamp: isoNow(), count: batchRecords, randomTraces: randomTraces)
    let deadline = Date().addingTimeInterval(seconds)
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    let totals = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
        for connection in 0..<connections {
            group.addTask {
                var accepted = 0
                var refused = 0
                var batch = connection
                var body = template.bytes
                var nextSend = ContinuousClock.now
                while Date() < deadline {
                    if let interval {
                        try await Task.sleep(until: nextSend, clock: .continuous)
                        nextSend += interval
                    }
                    // Fresh record content per batch (patched counters), so nothing is a duplicate.
                    template.patch(&body, batch: batch)
                    var request = HTTPClientRequest(url: url)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: otlp ? "application/x-protobuf" : "application/x-ndjson")
                    request.body = .bytes(ByteBuffer(bytes: body))
                    let response = try await client.execute(request, timeout: .seconds(30))
                    let answer = try await response.body.collect(upTo: 1 << 20)
                    if otlp, response.status == .ok, answer.readableBytes == 0 {
                        accepted += template.count  // an empty ExportLogsServiceResponse: every record taken
                    } else if response.status == .ok, let count = IngestTemplate.accepted(in: answer) {
                        accepted += count
                    } else {
                        refused += template.count
                    }
                    batch += connections
                }
                return (accepted, refused)
            }
        }
        var accepted = 0
        var refused = 0
        for try await (a, r) in group {
            accepted += a
            refused += r
        }
        return (accepted, refused)
    }
    try await client.shutdown().get()
    print(String(format: "ingest%@%@%@: %.0f records/s accepted (%d records in %.0f s, %d connection(s), batches of %d, ~%d B/record, %d refused)",
                 otlp ? " (OTLP protobuf)" : "", randomTraces ? " (a random trace id per 5 records)" : "",
                 rate.map { String(format: " (paced to %.0f records/s)", $0) } ?? "", Double(totals.0) / seconds, totals.0, seconds, connections, template.count,
                 template.bytes.count / template.count, totals.1))

case "populate":
    let directory = arguments[2]
    let count = Int(arguments[3]) ?? 1_000_000
    let store = try SQLiteLogStore(directory: directory, retention: .init(maximumAge: .seconds(3650 * 86_400), maximumBytes: Int.max / 2))
    let began = Date()
    try await populate(store, count: count)
    try await store.close()
    print(String(format: "populate: %d records in %.1f s", count, Date().timeIntervalSince(began)))

case "store-floor":
    // The stores' own cost per record, in this process: batches of 1,000 records shaped like `ingest`'s
    // (request ids and messages unique, one trace id), made outside the timing, appended to a new SQLite
    // store and to the hot buffer. What `/api/logs` adds (HTTP, JSON decoding, dedup, rate limits) is
    // the rest of the ingest figure.
    let count = Int(arguments[2]) ?? 300_000
    let floorStart = Int64(Date().timeIntervalSince1970 * 1e6) - Int64(count)
    func batches(_ append: ([LogRecord]) async throws -> Void) async throws -> Double {
        var spent = Duration.zero
        for first in stride(from: 0, to: count, by: 1000) {
            let batch = (first..<min(count, first + 1000)).map { index in
                LogRecord(
                    timestamp: floorStart + Int64(index), level: .info, service: "service-\(index % 50)", event: "request_completed",
                    message: "GET /api/items/\(100_000_000_000 + index) 200", requestID: "floor-\(100_000_000_000 + index)",
                    traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7", durationMS: 1.25
                )
            }
            let started = ContinuousClock.now
            try await append(batch)
            spent += started.duration(to: .now)
        }
        let seconds = Double(spent.components.seconds) + Double(spent.components.attoseconds) / 1e18
        return seconds / Double(count) * 1e6
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-floor-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let sqlite = try SQLiteLogStore(directory: directory)
    let sqliteMicros = try await batches { try await sqlite.append($0) }
    try await sqlite.close()
    let memory = MemoryLogStore(limits: .init(maximumBytes: 8 << 30))
    let memoryMicros = try await batches { try await memory.append($0) }
    print(String(format: "store-floor, %d records in batches of 1,000, time per record spent appending:", count))
    print(String(format: "  SQLite store  %6.2f µs  (at most %7.0f records/s on one core)", sqliteMicros, 1e6 / sqliteMicros))
    print(String(format: "  hot buffer    %6.2f µs  (at most %7.0f records/s on one core)", memoryMicros, 1e6 / memoryMicros))

case "serve-memory":
    // The query benchmark's records in the hot buffer (`--store memory`), served until interrupted.
    let port = Int(arguments[2]) ?? 17990
    let count = Int(arguments[3]) ?? 1_000_000
    AllocatorArenas.limit()  // as `trace-receiver serve` does
    var configuration = ReceiverConfiguration()
    configuration.port = port
    configuration.store = .memory
    configuration.memoryMaximumBytes = 8 << 30
    let receiver = try TraceReceiver(configuration: configuration, logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
    try await populate(receiver.store, count: count)
    let statistics = try await receiver.store.statistics()
    print("serve-memory: \(statistics.records) records held, listening on \(port)")
    try await ServiceGroup(services: [receiver], gracefulShutdownSignals: [.sigint, .sigterm], logger: Logger(label: "bench")).run()

case "query":
    let base = arguments[2]
    let count = Int(arguments[3]) ?? 1_000_000
    let requests = arguments.count > 4 ? Int(arguments[4]) ?? 300 : 300
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    func measure(_ name: String, _ makePath: (Int) -> String, expect: (Any) -> Bool) async throws {
        var latencies: [Double] = []
        for attempt in 0..<requests {
            let started = ContinuousClock.now
            let response = try await client.execute(HTTPClientRequest(url: base + makePath(attempt)), timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 64 << 20)
            let elapsed = started.duration(to: .now)
            let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
            guard response.status == .ok, expect(json) else {
                print("\(name): unexpected answer \(response.status) for \(makePath(attempt))")
                exit(1)
            }
            if attempt >= 10 { latencies.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000) }
        }
        print(String(format: "%@: p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%d requests)", name,
                     percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.max() ?? 0, latencies.count))
    }
    let requestsInStore = count / 10
    var generator = SystemRandomNumberGenerator()
    let ids = (0..<requests).map { _ in Int.random(in: 0..<requestsInStore, using: &generator) }
    try await measure("trace by request id", { "/api/debug/trace/req-\(ids[$0])" }) {
        (($0 as? [String: Any])?["timeline"] as? [Any])?.count == 10
    }
    try await measure("trace by trace id", { "/api/debug/trace/" + String(format: "%032x", ids[$0]) }) {
        (($0 as? [String: Any])?["timeline"] as? [Any])?.count == 10
    }
    try await measure("search service+level+since", { "/api/debug/logs?service=service-\(ids[$0] % 50)&level=warning&since=2h&limit=100" }) {
        (($0 as? [String: Any])?["logs"] as? [Any]) != nil
    }
    try await measure("search q text + service", { "/api/debug/logs?q=timeout&service=service-\(ids[$0] % 50)&limit=100" }) {
        (($0 as? [String: Any])?["logs"] as? [Any]) != nil
    }
    // Field conditions use no index: they narrow what the service index selects (20,000 records here).
    try await measure("search field (every record matches) + service", { "/api/debug/logs?field=status_code%3D200&service=service-\(ids[$0] % 50)&limit=100" }) {
        (($0 as? [String: Any])?["logs"] as? [Any])?.count == 100
    }
    try await measure("search field (none matches) + service", { "/api/debug/logs?field=status_code%3D500&service=service-\(ids[$0] % 50)&limit=100" }) {
        (($0 as? [String: Any])?["logs"] as? [Any])?.isEmpty == true
    }
    try await measure("search newest 100 (no filter)", { _ in "/api/debug/logs?limit=100" }) {
        (($0 as? [String: Any])?["logs"] as? [Any])?.count == 100
    }
    // The web page's list, refetched on every live update.
    try await measure("request list, latest 50", { _ in "/api/requests?limit=50" }) {
        (($0 as? [String: Any])?["requests"] as? [Any])?.count == 50
    }
    try await measure("request list, service + q text", { "/api/requests?service=service-\(ids[$0] % 50)&q=timeout&limit=50" }) {
        (($0 as? [String: Any])?["requests"] as? [Any]) != nil
    }
    // A field condition in the list's text, as the page's search box sends it: read from every line of the
    // service's requests, not only their completions.
    try await measure("request list, service + @field=value (every record matches)", { "/api/requests?service=service-\(ids[$0] % 50)&q=%40status_code%3D200&limit=50" }) {
        (($0 as? [String: Any])?["requests"] as? [Any])?.isEmpty == false
    }
    try await measure("request list, service + @field=value (none matches)", { "/api/requests?service=service-\(ids[$0] % 50)&q=%40status_code%3D500&limit=50" }) {
        (($0 as? [String: Any])?["requests"] as? [Any])?.isEmpty == true
    }
    try await client.shutdown().get()

case "memory":
    AllocatorArenas.limit()  // as `trace-receiver serve` does
    let total = Int(arguments[2]) ?? 2_000_000
    let cap = Int(arguments[3]) ?? 256 * 1024 * 1024
    let store = MemoryLogStore(limits: .init(maximumAge: .seconds(3600), maximumBytes: cap))
    let baseline = residentBytes()
    let now = Int64(Date().timeIntervalSince1970 * 1e6)
    var batch: [LogRecord] = []
    var peakAccounted = 0
    for index in 0..<total {
        batch.append(LogRecord(
            timestamp: now + Int64(index), level: .info, service: "service-\(index % 50)", event: "request_completed",
            message: "GET /api/items/\(index) answered 200", requestID: "req-\(index / 10)-0190a1b2c3d4e5f6a7b8",
            traceID: String(format: "%032x", index / 10), spanID: String(format: "%016x", index), durationMS: 1.25,
            fields: #"{"method":"GET","path":"/api/items","status_code":200}"#
        ))
        if batch.count == 1000 {
            try await store.append(batch)
            batch.removeAll(keepingCapacity: true)
            let statistics = try await store.statistics()
            peakAccounted = max(peakAccounted, statistics.bytes)
        }
    }
    let statistics = try await store.statistics()
    let resident = residentBytes() - baseline
    print(String(format: "memory: %d records flooded, %d held, %d evicted; accounted %.1f MiB (peak %.1f MiB, cap %.1f MiB); resident growth %.1f MiB = %.0f B/record held",
                 total, statistics.records, statistics.evicted, Double(statistics.bytes) / 1048576, Double(peakAccounted) / 1048576,
                 Double(cap) / 1048576, Double(resident) / 1048576, Double(resident) / Double(max(1, statistics.records))))

case "capture":
    // What `trace-receiver run` and `tail` spend per line, in one thread: each format alone, a mix of them,
    // and the baseline measured alongside, our own records' JSON lines, which the parser hands to the
    // receiver's own decoder (the per-line work of POST /api/logs).
    let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 200_000 : 200_000
    let parser = CaptureParser(service: "bench", timeZone: TimeZone(identifier: "UTC")!)
    let formats: [(String, String)] = [
        ("Python logging", "2026-11-30 10:20:01,123 - shop - INFO - checkout started request_id=0190a1b2-c3d4-7e5f-8a9b-0123456789ab"),
        ("pino JSON", #"{"level":30,"time":1796034001000,"pid":7,"hostname":"web-1","reqId":"req-1","msg":"order placed","orderId":42}"#),
        ("logfmt", #"time=2026-11-30T10:20:01Z level=warn msg="inventory slow" request_id=r-1 duration=120ms"#),
        ("logback", "2026-11-30 10:20:01.123 ERROR [main] c.x.Billing - charge failed for order 42"),
        ("nginx access", #"127.0.0.1 - - [30/Nov/2026:10:20:01 +0000] "GET /api/orders?id=7 HTTP/1.1" 200 512 "-" "curl/8.5.0" rt=0.012"#),
        ("uvicorn access", #"INFO:     127.0.0.1:52345 - "GET /api/orders HTTP/1.1" 200 OK"#),
        ("Rails tagged", "I, [2026-11-30T10:20:01.131000 #12345]  INFO -- : [5f1c3a9e-8d2b-4e4f-9a1b-2c3d4e5f6a7b] Completed 200 OK in 6ms (Views: 1.2ms)"),
        ("plain text", "Listening on http://0.0.0.0:8080, press Ctrl-C to stop"),
    ]
    // Timed alone, outside the mix (which stays the eight formats above, comparable from run to run).
    let alone: [(String, String)] = [
        (".NET JSON console, with scopes", #"{"EventId":2,"LogLevel":"Information","Category":"Microsoft.AspNetCore.Hosting.Diagnostics","Message":"Request finished HTTP/1.1 GET http://localhost:5000/orders/42 - 200 - application/json;\u002Bcharset=utf-8 12.3456ms","State":{"Message":"Request finished HTTP/1.1 GET http://localhost:5000/orders/42 - 200 - application/json;\u002Bcharset=utf-8 12.3456ms","ElapsedMilliseconds":12.3456,"StatusCode":200,"Method":"GET","Path":"/orders/42"},"Scopes":[{"Message":"SpanId:4c8d1fe5ba3a8b8f, TraceId:8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b, ParentId:0000000000000000","SpanId":"4c8d1fe5ba3a8b8f","TraceId":"8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b","ParentId":"0000000000000000"},{"Message":"ConnectionId:0HN5F6S8O9Q1K","ConnectionId":"0HN5F6S8O9Q1K"}]}"#),
        ("Serilog compact JSON", #"{"@t":"2026-11-30T10:20:01.1234567Z","@mt":"Order {OrderId} placed in {Elapsed:0.00} ms","@r":["12.35"],"@tr":"8e8f6c5d0c5e1b4e8c2a4b6d8e0f1a2b","@sp":"4c8d1fe5ba3a8b8f","OrderId":42,"Elapsed":12.3456,"SourceContext":"Shop.Orders"}"#),
    ]
    let ours = (0..<10).map { recordLine(run: "capture", index: $0, timestamp: "2026-11-30T10:20:01.000000Z") }
    func nanosecondsPerLine(_ lines: [String]) -> Double {
        var checksum = 0
        let started = ContinuousClock.now
        for index in 0..<iterations { checksum &+= parser.parse(lines[index % lines.count], receivedAt: 1_796_034_001_000_000).message.utf8.count }
        let elapsed = started.duration(to: .now)
        if checksum == 1 { print("") }  // keeps the work
        return (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9) / Double(iterations)
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    _ = nanosecondsPerLine(formats.map(\.1) + ours)  // warm-up
    var mixed: [Double] = []
    var baseline: [Double] = []
    for _ in 0..<5 {
        mixed.append(nanosecondsPerLine(formats.map(\.1)))
        baseline.append(nanosecondsPerLine(ours))
    }
    for (name, line) in formats + alone {
        print(String(format: "capture %@: %.0f ns/line", name, median((0..<3).map { _ in nanosecondsPerLine([line]) })))
    }
    let (mix, own) = (median(mixed), median(baseline))
    print(String(format: "capture, the %d formats mixed: %.0f ns/line (%.0f lines/s on one core); our own records' JSON: %.0f ns/line; mixed / ours = %.2f",
                 formats.count, mix, 1e9 / mix, own, mix / own))

default:
    print("unknown mode \(arguments[1])")
    exit(2)
}
