import ArgumentParser
import Foundation

/// When `run` and `tail` read a line's `NAME | ` prefix as the service it came from (`--service-prefixes`).
enum ServicePrefixMode: String, ExpressibleByArgument, CaseIterable {
    /// For `run` of a command known to prefix its processes' lines; never for `tail`.
    case auto
    /// Always.
    case on
    /// Never: a prefix stays part of the line.
    case off

    /// Commands whose output is the prefixed lines of the processes they run, by file name. `docker` and
    /// `podman` count only when `compose` is among their arguments, `kubectl` and `oc` for `logs --prefix`.
    static let multiplexers: Set<String> = [
        "docker-compose", "podman-compose", "foreman", "honcho", "overmind", "hivemind", "nf",
        "concurrently", "npm-run-all", "run-p", "run-s", "turbo",
    ]
    /// Package runners that run a command named in their arguments (`npx concurrently …`, `pnpm exec turbo
    /// dev`, `yarn turbo run dev`), and the words of theirs that come before it.
    static let packageRunners: Set<String> = ["npx", "pnpx", "bunx", "pnpm", "yarn", "bun", "npm"]
    static let runnerWords: Set<String> = ["exec", "dlx", "x", "run"]

    /// Whether prefixes are read for `command` (nil for `tail`, which runs none).
    func readsPrefixes(command: [String]?) -> Bool {
        switch self {
        case .on: return true
        case .off: return false
        case .auto:
            guard let command, let first = command.first else { return false }
            var name = URL(fileURLWithPath: first).lastPathComponent
            var arguments = command.dropFirst()
            if Self.packageRunners.contains(name) {
                // The command the runner runs: its first argument that is neither an option nor a word of the runner's.
                while let next = arguments.first, next.hasPrefix("-") || Self.runnerWords.contains(next) { arguments = arguments.dropFirst() }
                guard let runs = arguments.first else { return false }
                name = runs
                arguments = arguments.dropFirst()
            }
            if Self.multiplexers.contains(name) { return true }
            if name == "kubectl" || name == "oc" {
                return arguments.contains("logs") && arguments.contains { $0 == "--prefix" || $0 == "--prefix=true" }
            }
            return (name == "docker" || name == "podman") && arguments.contains("compose")
        }
    }
}
