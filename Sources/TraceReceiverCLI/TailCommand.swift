import ArgumentParser
import Foundation
import RequestTracingShipper
import Synchronization
import TraceReceiver
import UnixSignals

/// `trace-receiver tail [--service NAME] TARGET…`: follow log files (local, or `[USER@]HOST:PATH` over
/// ssh) and capture their lines.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Follow a log file, locally or over ssh, and capture every line into the receiver.",
        discussion: """
            A local FILE is followed across rotation (rename + create, and copytruncate) and resumed after a \
            restart from the offset saved in --state-dir. [USER@]HOST:PATH runs `tail -F` through the system ssh \
            client, so ~/.ssh/config, the agent and host-key checking apply; it reconnects after a drop. \
            Lines are parsed like `run`'s and shipped with source "capture". Several targets are followed \
            together, each as the service its file is named after unless --service names one for all.

            Examples:
              trace-receiver tail --service api /var/log/api.log
              trace-receiver tail /var/log/gateway.log /var/log/worker.log
              trace-receiver tail deploy@app-1.internal:/var/log/app.log
              trace-receiver tail --ssh-option=-p --ssh-option=2222 app-1:/var/log/app.log
            """
    )

    @OptionGroup var options: CaptureOptions

    @Option(help: "Where the saved read position of each local file is kept.")
    var stateDir = ".trace-receiver/tail"

    @Flag(help: "Start at the beginning of a file seen for the first time (default: its end, like tail -f).")
    var fromStart = false

    @Option(help: "An option for ssh (repeatable), e.g. --ssh-option=-p --ssh-option=2222 or --ssh-option=-F --ssh-option=FILE.")
    var sshOption: [String] = []

    @Argument(help: "Each FILE, or [USER@]HOST:PATH to follow over ssh.")
    var targets: [String]

    /// How often the read position is saved (for lines already handed to the shipper's spool).
    static let checkpointInterval = Duration.seconds(1)

    func validate() throws {
        guard !targets.isEmpty else { throw ValidationError("give the log file (or [USER@]HOST:PATH) to follow") }
        for target in targets {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), isDirectory.boolValue {
                throw ValidationError("\(target) is a directory; give the log file to follow")
            }
        }
        if targets.count != Set(targets).count { throw ValidationError("a target is given twice") }
    }

    func run() async throws {
        try await options.ensureReceiver(note: Self.note)
        // Each target is followed until SIGINT or SIGTERM, or until it fails; one that fails fails the command.
        let failed = await withTaskGroup(of: Bool.self) { group in
            for target in targets { group.addTask { await follow(target) } }
            return await group.reduce(false) { $0 || $1 }
        }
        if failed { throw ExitCode.failure }
    }

    /// Follows `target` until a signal asks to stop, or it fails (then returns `true`), and ships what it read.
    private func follow(_ target: String) async -> Bool {
        do {
            return try await followOrThrow(target)
        } catch {
            Self.note("\(target): \(error)")
            return true
        }
    }

    private func followOrThrow(_ target: String) async throws -> Bool {
        let isRemote = !FileManager.default.fileExists(atPath: target) && (try? SSHTailer(parsing: target)) != nil
        let serviceName = options.service ?? Self.defaultService(for: target, remote: isRemote)
        let parser = try options.makeParser(service: serviceName)
        let shipper = try options.makeShipper(kind: "tail", service: serviceName, note: { Self.note($0) })
        let forwarder = CaptureForwarder(
            parser: parser,
            sink: shipper,
            readsServicePrefixes: options.servicePrefixes.readsPrefixes(command: nil)
        )

        var fileTailer: FileTailer?
        let makeLines: @Sendable () -> TailLineSequence
        if isRemote {
            var configuration = SSHTailer.Configuration()
            configuration.maximumLineLength = CaptureForwarder.maximumLineBytes
            configuration.startPosition = fromStart ? .beginning : .end
            configuration.extraOptions = sshOption
            configuration.onEvent = { event in
                switch event {
                case .connected: Self.note("following \(target)")
                case .diagnostic(let text): Self.note("ssh: \(text)")
                case .disconnected(let status, _, let delay): Self.note("ssh exited (\(status)); reconnecting in \(delay)")
                case .started: break
                }
            }
            let tailer = try SSHTailer(parsing: target, configuration: configuration)
            makeLines = { tailer.lines() }
        } else {
            var configuration = FileTailer.Configuration()
            configuration.maximumLineLength = CaptureForwarder.maximumLineBytes
            configuration.startPosition = fromStart ? .beginning : .end
            configuration.stateDirectory = stateDir
            let tailer = FileTailer(path: target, configuration: configuration)
            fileTailer = tailer
            makeLines = { tailer.lines() }
            Self.note("following \(target)")
        }

        let latest = LatestCheckpoint()
        let failed = await withThrowingTaskGroup(of: Void.self) { group -> Bool in
            defer { group.cancelAll() }
            group.addTask { try? await shipper.run() }
            group.addTask { await forwarder.flushIdleEventsUntilCancelled() }
            if let fileTailer {
                group.addTask {
                    // Save the position seen one interval ago, once everything before it has left the
                    // in-memory queue for the spool: by then its lines are either acknowledged or on disk.
                    // A crash re-reads the lines after the saved position; each carries its file's
                    // generation and its offset as `instance` and `seq`, so the receiver stores it once.
                    // A Swift crash report is written for seconds after its `Fatal error:` line: while one is
                    // open, the position stays before it, so a restart reads the whole report again.
                    var previous: TailCheckpoint?
                    while !Task.isCancelled {
                        try? await Task.sleep(for: Self.checkpointInterval)
                        if forwarder.awaitsCrashReport { continue }
                        if let previous, shipper.statistics.queuedRecords == 0 { try? await fileTailer.commit(previous) }
                        previous = latest.value
                    }
                }
            }
            group.addTask {
                for try await line in makeLines() {
                    forwarder.append(line: line.bytes, skippedBytes: line.skippedBytes, origin: line.origin)
                    if let checkpoint = line.checkpoint { latest.value = checkpoint }
                }
                throw TailEnded()
            }
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) { return }
            }
            do {
                try await group.next()
                return false
            } catch is TailEnded {
                return false
            } catch {
                Self.note("\(target): \(error)")
                return true
            }
        }
        forwarder.finish()
        _ = await shipper.flush(timeout: options.exitFlushDuration)
        if let fileTailer, let last = latest.value, shipper.statistics.queuedRecords == 0 {
            try? await fileTailer.commit(last)
        }
        // What was read is shipped (or spooled) above; a follower that stopped on an error fails the command.
        return failed
    }

    private struct TailEnded: Error {}

    static func defaultService(for target: String, remote: Bool) -> String {
        let path = remote ? String(target[target.index(after: target.firstIndex(of: ":")!)...]) : target
        if let container = ContainerLogPath.service(forPath: path) { return container }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return name.isEmpty ? "tail" : name
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("[trace-receiver tail] \(message)\n".utf8))
    }
}

/// The position after the newest line handed to the forwarder, shared by the reading and saving tasks.
private final class LatestCheckpoint: Sendable {
    private let storage = Mutex<TailCheckpoint?>(nil)

    var value: TailCheckpoint? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
