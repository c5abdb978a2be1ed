import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small client for a running receiver's query API.
struct ReceiverClient {
    let baseURL: String

    /// `--receiver`, else `TRACE_RECEIVER_URL`, else `http://127.0.0.1:7890`.
    init(receiver: String?) {
        let url = receiver ?? ProcessInfo.processInfo.environment["TRACE_RECEIVER_URL"] ?? "http://127.0.0.1:7890"
        baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// GETs `path` and returns the decoded JSON; a non-2xx answer becomes an error quoting the
    /// receiver's message.
    func get(_ path: String, query: [(String, String?)] = []) async throws -> (status: Int, json: Any) {
        var components = URLComponents(string: baseURL + path)
        let items = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        if !items.isEmpty { components?.queryItems = items }
        guard let url = components?.string else { throw ClientError("invalid receiver URL: \(baseURL)") }
        let request = HTTPClientRequest(url: url)
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        } catch {
            throw ClientError("cannot reach the receiver at \(baseURL) (\(error)); is `trace-receiver serve` running?")
        }
        let body = try await response.body.collect(upTo: 256 * 1024 * 1024)
        let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed])
        return (Int(response.status.code), json ?? [:])
    }
}

/// A failure to print for the user.
struct ClientError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
