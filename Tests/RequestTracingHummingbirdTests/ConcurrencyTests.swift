import NIOHTTP1
import AsyncHTTPClient
import RequestTracing
import TestSupport
import Testing

@Suite("Concurrent requests keep their own ids")
struct ConcurrencyTests {
    @Test func fiveHundredConcurrentRequestsEachLogOnlyTheirOwnID() async throws {
        let server = TracedServer()
        let count = 500
        let echoed = try await server.run { port in
            try await withThrowingTaskGroup(of: (String, String).self) { group in
                for index in 0..<count {
                    group.addTask {
                        let id = "req-\(index)"
                        let response = try await get(port, "/work?tag=\(id)", headers: [("X-Request-ID", id)])
                        return (id, response.headers.first(name: "X-Request-ID") ?? "")
                    }
                }
                var pairs: [(String, String)] = []
                for try await pair in group { pairs.append(pair) }
                return pairs
            }
        }
        #expect(echoed.count == count)
        for (sent, received) in echoed { #expect(sent == received) }

        let work = try server.sink.records(event: "work")
        #expect(work.count == count * 4, "handler, async let child and two task-group children each log once")
        var perID: [String: Int] = [:]
        for record in work {
            let requestID = try #require(record["request_id"] as? String)
            #expect(record.field("tag") as? String == requestID, "a line logged for one request carries another's id")
            perID[requestID, default: 0] += 1
        }
        #expect(perID.count == count)
        #expect(perID.values.allSatisfy { $0 == 4 })
    }
}
