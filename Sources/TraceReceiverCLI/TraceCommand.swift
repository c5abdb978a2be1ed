import ArgumentParser
struct TraceCommand: AsyncParsableCommand { static let configuration = CommandConfiguration(commandName: "trace") }
