import Foundation
import Logging

/// Reads from a running receiver through its HTTP query API (`GET /api/debug/logs`,
/// `GET /api/debug/trace/{id}`, `GET /api/requests`): used by `trace-receiver mcp`. Records are decoded back into
/// ``LogRecord``s and the span tree is rebuilt with the receiver's own ``TraceAssembler`` rules.
struct RemoteObservationSource: ObservationSource {
    /// Largest record accepted when decoding the receiver's answers.
    static let maximumRecordBytes = 16 * 1024 * 1024

    let api: any ReceiverAPI

    func search(_ query: LogQuery) async throws -> LogPage {
        let path = "/api/debug/logs"
        let response = try await api.get(path, query: Self.parameters(of: query))
        let object = try Self.object(response, path: path)
        guard let logs = object["logs"] as? [[String: Any]] else {
            throw ObservationError.unreadableAnswer(path: path, reason: "no logs array")
        }
        return LogPage(
            records: try logs.map { try Self.record($0, path: path) },
            totalCount: (object["totalCount"] as? Int) ?? logs.count,
            oldestTimestamp: (object["oldestTimestamp"] as? String).flatMap { RecordTime.parse(Array($0.utf8)) },
            nextCursor: (object["nextCursor"] as? String).flatMap(LogCursor.init)
        )
    }

    func trace(id: String) async throws -> TraceTimeline? {
        let encoded = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id
        let path = "/api/debug/trace/" + encoded
        let response = try await api.get(path, query: [])
        if response.status == 404 { return nil }
        let object = try Self.object(response, path: path)
        guard let timeline = object["timeline"] as? [[String: Any]] else {
            throw ObservationError.unreadableAnswer(path: path, reason: "no timeline array")
        }
        let records = try timeline.map { try Self.record($0, path: path) }
        guard !records.isEmpty else { return nil }
        var summary = TraceAssembler.summarise(records, id: id)
        summary.truncated = object["truncated"] as? Bool == true
        return summary
    }

    func requests(matching filter: LogQuery, limit: Int) async throws -> [RecentRequest] {
        let path = "/api/requests"
        var query = filter
        query.limit = limit
        query.cursor = nil
        let object = try Self.object(try await api.get(path, query: Self.parameters(of: query)), path: path)
        guard let requests = object["requests"] as? [[String: Any]] else {
            throw ObservationError.unreadableAnswer(path: path, reason: "no requests array")
        }
        return try requests.map { json in
            guard let request = RecentRequest(json: json) else {
                throw ObservationError.unreadableAnswer(path: path, reason: "a request without its services, failed flag or timestamp")
            }
            return request
        }
    }

    /// The query-string form of `query`, as `GET /api/debug/logs` reads it.
    static func parameters(of query: LogQuery) -> [(name: String, value: String)] {
        var parameters: [(name: String, value: String)] = []
        if let value = query.requestID { parameters.append(("request_id", value)) }
        if let value = query.traceID { parameters.append(("trace_id", value)) }
        if let value = query.service { parameters.append(("service", value)) }
        if let value = query.source { parameters.append(("source", value.rawValue)) }
        if let value = query.events { parameters.append(("event", value.sorted().joined(separator: ","))) }
        if let value = query.minimumLevel { parameters.append(("level", value.rawValue)) }
        if let value = query.since { parameters.append(("since", RecordTime.format(value))) }
        if let value = query.until { parameters.append(("until", RecordTime.format(value))) }
        if let value = query.text { parameters.append(("q", value)) }
        for condition in query.fieldConditions { parameters.append(("field", condition.key + "=" + condition.value)) }
        parameters.append(("limit", String(query.limit)))
        if let value = query.cursor { parameters.append(("cursor", value.description)) }
        return parameters
    }

    private static func object(_ response: ReceiverAPIResponse, path: String) throws -> [String: Any] {
        let parsed = try? JSONSerialization.jsonObject(with: Data(response.body))
        guard (200..<300).contains(response.status) else {
            let message = (parsed as? [String: Any])?["message"] as? String ?? String(decoding: response.body.prefix(200), as: UTF8.self)
            throw ObservationError.receiverAnswered(status: response.status, message: message)
        }
        guard let object = parsed as? [String: Any] else {
            throw ObservationError.unreadableAnswer(path: path, reason: "not a JSON object")
        }
        return object
    }

    private static func record(_ object: [String: Any], path: String) throws -> LogRecord {
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: object)
        } catch {
            throw ObservationError.unreadableAnswer(path: path, reason: "a record could not be re-encoded: \(error)")
        }
        let decoder = RecordDecoder(maximumRecordBytes: maximumRecordBytes)
        let result = data.withUnsafeBytes { bytes in
            decoder.decode(bytes.bindMemory(to: UInt8.self), now: RecordTime.now())
        }
        switch result {
        case .success(let record): return record
        case .failure(let rejection): throw ObservationError.unreadableAnswer(path: path, reason: "a record was rejected: \(rejection.reason)")
        }
    }
}
