import Foundation
import Synchronization
import Testing

@testable import TraceReceiver

// `withTemporaryDirectory` comes from ReceiverHarness.swift.

/// Appends `text` to the file at `path`, creating it if needed.
func append(_ text: String, to path: String) throws {
    if !FileManager.default.fileExists(atPath: path) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
    }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
}

/// Records a ``FileFollower``'s first look at its path (``FileTailer/Configuration/onFirstLook``), so a
/// test appends only once the follower has chosen where it starts.
final class FirstLook: Sendable {
    private let seen = Mutex<UInt64??>(nil)

    /// A hook to set as the configuration's `onFirstLook`.
    var hook: @Sendable (UInt64?) -> Void {
        { [self] offset in seen.withLock { $0 = .some(offset) } }
    }

    /// Waits for the first look and returns the offset the follower started at (`nil`: no file yet).
    func wait(within seconds: Double = 20) async throws -> UInt64? {
        guard await eventually(within: seconds, { seen.withLock { $0 } != nil }), let offset = seen.withLock({ $0 }) else {
            throw TailTestTimeout(description: "the follower did not look at its path within \(seconds) s")
        }
        return offset
    }
}

/// A test timed out waiting for lines.
struct TailTestTimeout: Error, CustomStringConvertible {
    var description: String
}

/// Consumes a tail sequence in a task and lets the test wait for lines with a deadline.
final class LineCollector: Sendable {
    private struct State {
        var lines: [TailedLine] = []
        var failure: (any Error)?
        var finished = false
    }

    private let state = Mutex(State())
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(_ sequence: TailLineSequence) {
        let task = Task { [self] in
            do {
                for try await line in sequence {
                    state.withLock { $0.lines.append(line) }
                }
                state.withLock { $0.finished = true }
            } catch {
                state.withLock {
                    $0.failure = error
                    $0.finished = true
                }
            }
        }
        self.task.withLock { $0 = task }
    }

    var lines: [TailedLine] { state.withLock { $0.lines } }
    var texts: [String] { lines.map(\.text) }
    var failure: (any Error)? { state.withLock { $0.failure } }

    /// Waits until at least `count` lines have arrived; throws on timeout or when the sequence failed.
    @discardableResult
    /// Generous by default: under the whole suite on two cores an ssh login can take seconds.
    func waitFor(count: Int, timeout: Duration = .seconds(20)) async throws -> [TailedLine] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (lines, failure, finished) = state.withLock { ($0.lines, $0.failure, $0.finished) }
            if lines.count >= count { return lines }
            if let failure { throw failure }
            if finished || ContinuousClock.now >= deadline {
                throw TailTestTimeout(description: "expected \(count) lines, got \(lines.count); last: \(lines.last?.text ?? "none")")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until the sequence has failed, and returns its error.
    func waitForFailure(timeout: Duration = .seconds(20)) async throws -> any Error {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let failure { return failure }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TailTestTimeout(description: "the tail did not fail within \(timeout); lines: \(texts)")
    }

    /// Cancels the consuming task and waits for it to end.
    func stop() async {
        let task = self.task.withLock { $0 }
        task?.cancel()
        await task?.value
    }
}

/// A value shared with a thread.
final class SharedBox<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) {
        storage = Mutex(value)
    }

    var value: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
