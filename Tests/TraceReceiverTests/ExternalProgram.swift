import Foundation
import RequestTracing

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
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let watchdog = Task {
        try await Task.sleep(for: .seconds(timeout))
        process.terminate()
    }
    defer { watchdog.cancel() }
    let (status, output, errors) = await awaitExit(of: process, stdout: stdout, stderr: stderr)
    return ProgramResult(
        status: status, stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: errors, as: UTF8.self)
    )
}

/// Reads both of a started `process`'s output pipes to their end and waits for its exit, each on a
/// thread of its own (``BlockingThread``); its status with everything it wrote.
func awaitExit(of process: Process, stdout: Pipe, stderr: Pipe) async -> (status: Int32, stdout: Data, stderr: Data) {
    async let errors = BlockingThread.run { stderr.fileHandleForReading.readDataToEndOfFile() }
    let output = await BlockingThread.run { stdout.fileHandleForReading.readDataToEndOfFile() }
    let status = await BlockingThread.run {
        process.waitUntilExit()
        return process.terminationStatus
    }
    return (status, output, await errors)
}

/// `python3 …` run to completion with ``runProgram(_:environment:timeout:)``.
func runPython(_ arguments: [String], timeout: Double = 120) async throws -> ProgramResult {
    try await runProgram(["python3"] + arguments, timeout: timeout)
}
