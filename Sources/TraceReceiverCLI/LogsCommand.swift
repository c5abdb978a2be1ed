import ArgumentParser
struct LogsCommand: AsyncParsableCommand { static let configuration = CommandConfiguration(commandName: "logs") }
