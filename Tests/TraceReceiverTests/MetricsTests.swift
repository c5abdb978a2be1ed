import Foundation
import Testing

@testable import TraceReceiver

@Suite("GET /metrics and /health")
struct MetricsTests {
    @Test func countsAcceptedDuplicateRejectedAndRateLimitedRecordsPerService() async throws {
        try await withReceiver(configure: { $0.serviceRecordsPerSecond = 0.5 }) { (receiver) async throws in
            // Burst 1: billing's first batch puts it 8 s in debt, so its next one is refused.
            let body = batch("billing", 4) + "\n" + "garbage"
            #expect(try await receiver.postLogs(body).counts() == Counts(accepted: 4, rejected: 1))
            #expect(try await receiver.postLogs(batch("billing", 5, prefix: "refused")).status == 429)
            let twice = #"{"service":"search","message":"same","timestamp":"2026-01-31T10:15:23Z"}"#
            #expect(try await receiver.postLogs(twice + "\n" + twice).counts() == Counts(accepted: 1, duplicates: 1))
            #expect(try await receiver.postFrontend(#"{"message":"from the browser"}"#).status == 202)

            let metrics = try await receiver.metrics()
            let name = "trace_receiver_records_total"
            #expect(metricValue(metrics, name, ["outcome": "accepted", "service": "billing", "source": "backend"]) == 4)
            #expect(metricValue(metrics, name, ["outcome": "rate_limited", "service": "billing"]) == 5)
            #expect(metricValue(metrics, name, ["outcome": "accepted", "service": "search"]) == 1)
            #expect(metricValue(metrics, name, ["outcome": "duplicate", "service": "search"]) == 1)
            #expect(metricValue(metrics, name, ["outcome": "rejected", "source": "backend"]) == 1)
            #expect(metricValue(metrics, name, ["outcome": "accepted", "service": "frontend", "source": "frontend"]) == 1)
            #expect(metricValue(metrics, name, ["outcome": "duplicate", "service": "billing"]) == nil)
            #expect(metricValue(metrics, "trace_receiver_store_records") == 6)
            #expect(metrics.contains("trace_receiver_http_request_duration_seconds_bucket"))
            #expect(metrics.contains(#"route="/api/logs""#))
        }
    }

    @Test func servicesPastTheLabelCapAreCountedAsOther() async throws {
        try await withReceiver { (receiver) async throws in
            let cap = ReceiverMetrics.maximumServiceLabels
            func body(_ services: Range<Int>) -> String {
                services.map { #"{"service":"svc-\#($0)","message":"m"}"# }.joined(separator: "\n")
            }
            // The first batch's services take every label; the next batch's new services share `_other`.
            #expect(try await receiver.postLogs(body(0..<cap)).counts() == Counts(accepted: cap))
            #expect(try await receiver.postLogs(body(cap..<cap + 5)).counts() == Counts(accepted: 5))
            #expect(try await receiver.postLogs(#"{"service":"svc-0","message":"again"}"#).counts() == Counts(accepted: 1))
            let metrics = try await receiver.metrics()
            let name = "trace_receiver_records_total"
            #expect(metricValue(metrics, name, ["outcome": "accepted", "service": "svc-0"]) == 2)
            #expect(metricValue(metrics, name, ["outcome": "accepted", "service": "svc-\(cap - 1)"]) == 1)
            #expect(metricValue(metrics, name, ["outcome": "accepted", "service": "svc-\(cap)"]) == nil)
            #expect(metricValue(metrics, name, ["outcome": "accepted", "service": "_other"]) == 5)
        }
    }

    @Test func healthReportsTheStoreAndItsRecords() async throws {
        try await withReceiver { (receiver) async throws in
            _ = try await receiver.postLogs(batch("svc", 3))
            let reply = try await receiver.get("/health")
            #expect(reply.status == 200)
            let health = try reply.object()
            #expect(health["status"] as? String == "ok")
            #expect(health["store"] as? String == "sqlite")
            #expect(health["store_ok"] as? Bool == true)
            #expect(health["records"] as? Int == 3)
            #expect(health["dropped"] as? Int == 0)
            #expect(health["version"] is String)
            #expect(health["uptime_seconds"] is Int)
        }
    }
}
