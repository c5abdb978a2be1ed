import ArgumentParser
import RequestTracing
import TestSupport
import Testing

@testable import DemoServer

@Suite("demo-server: options and startup errors")
struct DemoServerCommandTests {
    @Test(arguments: [["--port", "70000"], ["--downstream-port", "0"], ["--downstream-port", "65536"]])
    func aPortOutOfRangeIsRejectedNamingItsOption(_ arguments: [String]) {
        #expect {
            try DemoServerCommand.parse(arguments)
        } throws: { error in
            DemoServerCommand.message(for: error).contains(arguments[0])
        }
    }

    @Test func aTakenPortStopsTheDemoWithAnErrorNamingBothPortOptions() async throws {
        try await withDemo(sink: InMemoryLogSink()) { takenPort in
            let downstream = try unusedLoopbackPort()
            let command = try DemoServerCommand.parse(["--port", "\(takenPort)", "--downstream-port", "\(downstream)", "--log-format", "json"])
            await #expect {
                try await command.run()
            } throws: { error in
                let description = "\(error)"
                return description.contains("port \(takenPort) or \(downstream) is already in use")
                    && description.contains("--port") && description.contains("--downstream-port")
            }
        }
    }
}
