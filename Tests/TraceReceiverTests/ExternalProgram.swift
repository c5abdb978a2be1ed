import Foundation
import RequestTracing
import TestSupport

/// The root of this package's checkout (this file is `Tests/TraceReceiverTests/ExternalProgram.swift`).
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// What a finished program printed and how it exited.
struct ProgramResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `arguments` (looked up on `PATH`) to completion, killed after `timeout` seconds.
///
/// Both output pipes are drained and the exit awaited on threads of their own (``BlockingThread``), never
/// on the cooperative pool or Dispatch's global queues: an in-process receiver the program talks to needs
/// those threads to answer it.
func runProgram(
    _ arguments: [String], environment: [String: String] = [:], timeout: Double = 120
) async throws -> ProgramResult {
    let program = try SpawnedProgram("/usr/bin/env", arguments, environment: environment)
    let watchdog = Task {
        try await Task.sleep(for: .seconds(timeout))
        program.send(SIGTERM)
    }
    defer { watchdog.cancel() }
    let (status, output, errors) = await program.finish()
    return ProgramResult(
        status: status, stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: errors, as: UTF8.self)
    )
}

/// `python3 …` run to completion with ``runProgram(_:environment:timeout:)``.
func runPython(_ arguments: [String], timeout: Double = 120) async throws -> ProgramResult {
    try await runProgram(["python3"] + arguments, timeout: timeout)
}
