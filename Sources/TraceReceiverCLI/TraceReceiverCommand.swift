import ArgumentParser

/// `trace-receiver`: the receiver daemon and the terminal tools that query it.
@main
struct TraceReceiverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace-receiver",
        abstract: "Collect, keep and query logs from your services and browsers, by request id.",
        subcommands: [ServeCommand.self, RunCommand.self, TailCommand.self, LogsCommand.self, RequestsCommand.self, TraceCommand.self, MCPCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
