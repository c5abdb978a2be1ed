import AsyncHTTPClient
import Foundation
import TestSupport
import Testing

@testable import TraceReceiver

@Suite("demo-server streaming to a receiver")
struct DemoShippingTests {
    @Test func theDemoShipsBothServicesRecordsWhenTraceReceiverURLIsSet() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let gatewayPort = try unusedLoopbackPort()
                let inventoryPort = try unusedLoopbackPort()
                let demo = try startDemoServer(gatewayPort: gatewayPort, inventoryPort: inventoryPort, receiverURL: receiver.baseURL, spool: directory)
                defer {
                    if demo.isRunning { kill(demo.processIdentifier, SIGKILL) }
                }
                let id = try await demoCheckoutRequestID(gatewayPort: gatewayPort)
                let arrived = await eventually(within: 20) {
                    let services = (try? await receiver.store.search(LogQuery(requestID: id, limit: 100)).records.map(\.service)) ?? []
                    return Set(services) == ["gateway", "inventory"]
                }
                #expect(arrived, "both services' records for \(id) reach the receiver")
                // SIGTERM: graceful shutdown flushes and exits 0.
                kill(demo.processIdentifier, SIGTERM)
                #expect(await eventually(within: 10) { !demo.isRunning })
                #expect(demo.terminationStatus == 0)
                #expect(spooledBatches(directory + "/demo-server").isEmpty)
            }
        }
    }
}
