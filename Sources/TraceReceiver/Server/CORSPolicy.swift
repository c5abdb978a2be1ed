import HTTPTypes
import Hummingbird

/// Cross-origin access for the endpoints a browser may post to (browser reports, OTLP exports from an
/// OpenTelemetry web SDK): preflights answered for allowed origins, and the `Access-Control-*` headers
/// an answer to one carries. An origin is echoed only once ``OriginPolicy`` has allowed it; any other is
/// answered 403.
struct CORSPolicy: Sendable {
    let origins: OriginPolicy
    /// The request headers a browser may send (`Access-Control-Allow-Headers`).
    let allowedHeaders: String
    /// What the 403 says the origin may not do.
    let refusal: String

    /// The answer to a preflight (`OPTIONS`): 204 with the CORS headers for an allowed origin, 204 with
    /// `Allow` without an `Origin`, 403 for any other origin.
    func preflight(_ request: Request) throws -> Response {
        guard let origin = request.headers[.origin] else {
            return Response(status: .noContent, headers: [.allow: "POST, OPTIONS"])
        }
        var headers = try headers(origin: origin)
        headers[.accessControlAllowMethods] = "POST, OPTIONS"
        headers[.accessControlAllowHeaders] = allowedHeaders
        headers[.accessControlMaxAge] = "600"
        return Response(status: .noContent, headers: headers)
    }

    /// CORS headers for an allowed origin (none without an `Origin`), or 403.
    func headers(origin: String?) throws -> HTTPFields {
        guard let origin else { return [:] }
        guard origins.allows(origin) else {
            throw ReceiverError(.forbidden, "origin_not_allowed", "this origin may not \(refusal); see --allowed-origin")
        }
        return [.accessControlAllowOrigin: origin, .vary: "Origin", .accessControlExposeHeaders: "Retry-After"]
    }

    /// Runs `body` with the request's CORS headers (403 first for a refused origin), which are added to
    /// its answer, and to the error it throws, so a browser can read either.
    func answering(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        let cors = try headers(origin: request.headers[.origin])
        do {
            var response = try await body()
            for field in cors { response.headers.append(field) }
            return response
        } catch var error as ReceiverError {
            for field in cors { error.headers.append(field) }
            throw error
        }
    }
}
