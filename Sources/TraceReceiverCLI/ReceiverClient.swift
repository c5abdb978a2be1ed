import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RequestTracingShipper
import TraceReceiver

/// A small client for a running receiver's query API.
struct ReceiverClient {
    /// The receiver's `http(s)://` base URL (``ReceiverAddress/baseURL``), or the text as given when it is
    /// not an address (requests then fail saying so).
    let baseURL: String
    /// The address, when the text given is one.
    let address: ReceiverAddress?
    /// The receiver's token (`TRACE_RECEIVER_INGEST_TOKEN`), which a receiver started with one
    /// requires for reading records too.
    let token: String?

    /// `--receiver`, else `TRACE_RECEIVER_URL`, else `http://127.0.0.1:7890`.
    init(receiver: String?) {
        let environment = ProcessInfo.processInfo.environment
        let url = receiver ?? environment["TRACE_RECEIVER_URL"] ?? "http://127.0.0.1:7890"
        address = ReceiverAddress(url)
        baseURL = address?.baseURL ?? url
        token = environment["TRACE_RECEIVER_INGEST_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Throws, saying what an address looks like, when the text given is not one.
    func requireAddress() throws {
        guard address == nil else { return }
        throw ClientError(
            "--receiver (or TRACE_RECEIVER_URL) must be the receiver's address, e.g. http://127.0.0.1:7890 or 127.0.0.1:7890 "
                + "(http, https, ws or wss; a host and port; no user, query or fragment); got '\(baseURL)'"
        )
    }

    /// Longest answer read from the receiver.
    static let maximumResponseBytes = 256 * 1024 * 1024
    /// How long one request may take.
    static let requestTimeout = TimeAmount.seconds(30)

    /// The HTTP client of the command-line tools. Unlike `HTTPClient.shared`, it does not retry a refused
    /// connection until the request's deadline: with no receiver running, `logs` says so at once
    /// instead of after ``requestTimeout``.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// GETs `path` and returns the JSON object it answers; an answer other than 200 becomes an error
    /// quoting the receiver's message. A parameter the receiver refuses is named by its option in
    /// `options` (`since` → `--since`), as the person typed it.
    func getObject(_ path: String, query: [(String, String?)] = [], options: [String: String] = [:]) async throws -> [String: Any] {
        let (status, body) = try await getBytes(path, query: query)
        let object = (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) as? [String: Any] ?? [:]
        guard status == 200 else {
            let message = object["message"] as? String ?? "no message"
            if status == 400, object["error"] as? String == "invalid_parameter", let colon = message.firstIndex(of: ":"),
                let option = options[String(message[..<colon])]
            {
                throw ClientError(option + message[colon...])
            }
            throw ClientError("receiver answered \(status): \(message)")
        }
        return object
    }

    /// GETs `path` and returns the status and the body's bytes.
    func getBytes(_ path: String, query: [(String, String?)]) async throws -> (status: Int, body: [UInt8]) {
        try requireAddress()
        var components = URLComponents(string: baseURL + path)
        let items = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        if !items.isEmpty { components?.queryItems = items }
        guard let url = components?.string else { throw ClientError("invalid receiver URL: \(baseURL)") }
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response: HTTPClientResponse
        do {
            response = try await Self.http.execute(request, timeout: Self.requestTimeout)
        } catch {
            throw ClientError("cannot reach the receiver at \(baseURL) (\(Self.reason(error))); is `trace-receiver serve` running?", isUnreachable: true)
        }
        let body = try await response.body.collect(upTo: Self.maximumResponseBytes)
        return (Int(response.status.code), Array(body.readableBytesView))
    }
}

extension ReceiverClient {
    /// Why a request failed, in words: "connection refused" rather than NIO's
    /// "connection reset (error set): Connection refused (errno: 111)".
    static func reason(_ error: any Error) -> String {
        guard let error = error as? IOError else { return "\(error)" }
        return String(cString: strerror(error.errnoCode)).lowercased()
    }
}

extension ReceiverClient: ReceiverAPI {
    func get(_ path: String, query: [(name: String, value: String)]) async throws -> ReceiverAPIResponse {
        let (status, body) = try await getBytes(path, query: query.map { ($0.name, Optional($0.value)) })
        return ReceiverAPIResponse(status: status, body: body)
    }
}

/// A failure to print for the user.
struct ClientError: Error, CustomStringConvertible {
    var description: String
    /// Whether the receiver did not answer at all (worth retrying), rather than answering no.
    var isUnreachable = false

    init(_ description: String, isUnreachable: Bool = false) {
        self.description = description
        self.isUnreachable = isUnreachable
    }
}
