import Hummingbird

/// Requires the token (``IngestAuthorization/checkRead(_:)``) on every route of the group it is added
/// to: the routes that read records say so once, by where they are registered, instead of each one
/// remembering to check.
struct ReadAuthorizationMiddleware<Context: RequestContext>: RouterMiddleware {
    let authorization: IngestAuthorization

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try authorization.checkRead(request.headers)
        return try await next(request, context)
    }
}
