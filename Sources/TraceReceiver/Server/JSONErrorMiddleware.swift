import HTTPTypes
import Hummingbird
import Logging

/// Answers every error with a JSON body: Hummingbird's own `HTTPError`s (unknown route, body too
/// large, …) get a machine code derived from their status; anything unexpected becomes a 500 whose
/// cause is logged, not sent.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ReceiverError {
            throw error
        } catch let error as StoreWriteError {
            // Logged where it happened, once per outage.
            throw ReceiverError.storeWrite(error)
        } catch let error as HTTPError {
            let code = Self.code(for: error.status)
            let message = error.body ?? (error.status == .notFound ? "no route for \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            throw ReceiverError(error.status, code, message, headers: error.headers)
        } catch let error as any HTTPResponseError {
            throw ReceiverError(error.status, Self.code(for: error.status), error.status.reasonPhrase)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "error_type": "\(type(of: error))"])
            throw ReceiverError(.internalServerError, "internal_error", "the receiver failed to handle the request")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "body_too_large"
        case .badRequest: "bad_request"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .tooManyRequests: "rate_limited"
        case .unsupportedMediaType: "unsupported_media_type"
        default: status.code >= 500 ? "internal_error" : "http_\(status.code)"
        }
    }
}
