import Logging
import RequestTracing
import Vapor

// One JSON line per log call, each with the request's ids; Vapor's own `request-id` metadata is left
// out (the middleware sets it to the same id, which the handler already writes as `request_id`).
LoggingSystem.bootstrap { label in
    StructuredLogHandler(label: label, service: "vapor-app", suppressedMetadataKeys: ["request-id"])
}
let app = try await Application.make(.detect())
configure(app)
do {
    try await app.execute()
} catch {
    try? await app.asyncShutdown()
    throw error
}
try await app.asyncShutdown()
