import Foundation
import HTTPTypes
import Hummingbird
import MCP
import NIOCore

/// `POST /mcp`: the MCP tools over streamable HTTP (stateless, JSON responses), behind the ingest token
/// when one is configured.
struct MCPController: Sendable {
    /// Path of the endpoint.
    static let path = "/mcp"

    let server: TraceMCPServer
    let authorization: IngestAuthorization
    let maximumBodyBytes: Int

    func register(on router: Router<ReceiverRequestContext>) {
        router.post(RouterPath(Self.path)) { request, _ in try await post(request) }
    }

    private func post(_ request: Request) async throws -> Response {
        try authorization.check(request.headers)
        let body = try await request.collectBody(limit: maximumBodyBytes)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        let mcpRequest = MCP.HTTPRequest(
            method: request.method.rawValue,
            headers: headers,
            body: Data(body.readableBytesView),
            path: Self.path
        )
        let answer = await server.handle(mcpRequest)
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        let status = HTTPTypes.HTTPResponse.Status(code: answer.statusCode)
        let bytes = answer.bodyData.map { ByteBuffer(bytes: $0) } ?? ByteBuffer()
        return Response(status: status, headers: fields, body: .init(byteBuffer: bytes))
    }
}
