import Foundation
import RequestTracing

/// Runs `/usr/bin/env` with the current request's ids in its environment and reads back what it printed.
enum ChildProcessEnvironment {
    struct Printed: Codable, Sendable {
        var REQUEST_ID: String?
        var TRACEPARENT: String?
    }

    static func run(executable: String = "/usr/bin/env") async throws -> Printed {
        let base = ProcessInfo.processInfo.environment
        let environment = RequestTraceContext.current?.environment(mergingInto: base) ?? base
        let output = try await runCapturingOutput(executable: executable, environment: environment)
        var printed = Printed()
        for line in output.split(separator: "\n") {
            if line.hasPrefix("\(TracingEnvironment.requestID)=") {
                printed.REQUEST_ID = String(line.dropFirst(TracingEnvironment.requestID.count + 1))
            } else if line.hasPrefix("\(TracingEnvironment.traceparent)=") {
                printed.TRACEPARENT = String(line.dropFirst(TracingEnvironment.traceparent.count + 1))
            }
        }
        return printed
    }

    /// Runs the process and waits for it on a thread of its own (``BlockingThread``), so waiting blocks
    /// neither the cooperative pool nor an event loop.
    private static func runCapturingOutput(executable: String, environment: [String: String]) async throws -> String {
        try await BlockingThread.run {
            Result { try CapturedCommand.output(of: executable, environment: environment) }
        }.get()
    }
}
