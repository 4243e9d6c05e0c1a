import RelayCore
import RelaySandbox
import RelayTesting
import Testing

@Suite("Splunk HEC emulator: faults and waiting", .timeLimit(.minutes(1)))
struct SplunkHECFaultTests {
    @Test("injected faults are served one per event POST, in order, then normal service resumes")
    func faults() async throws {
        let hec = SplunkHECEmulator()
        hec.injectFaults([.busy, .internalError, .unhealthy])
        try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { url in
            let client = HECTestClient(baseURL: url)
            let body = #"{"event":"retry me"}"#
            let busy = try await client.post(body)
            #expect(busy.status == 503)
            #expect(busy.hecCode == 9)
            let internalError = try await client.post(body)
            #expect(internalError.status == 500)
            #expect(internalError.hecCode == 8)
            let unhealthy = try await client.post(body)
            #expect(unhealthy.status == 503)
            #expect(unhealthy.hecCode == 18)
            #expect(try await client.post(body).hecCode == 0)
        }
        #expect(hec.events.count == 1)
        #expect(hec.stats.faultsServed == 3)
        #expect(hec.stats.acceptedBatches == 1)
        #expect(hec.stats.rejectedBatches == 0)
    }

    @Test("dropConnection closes the connection without a response; the next request is served")
    func droppedConnection() async throws {
        let hec = SplunkHECEmulator()
        hec.injectFaults([.dropConnection])
        try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { url in
            let client = HECTestClient(baseURL: url)
            await #expect(throws: (any Error).self) {
                try await client.post(#"{"event":"lost"}"#)
            }
            let retried = try await client.post(#"{"event":"lost"}"#)
            #expect(retried.hecCode == 0)
        }
        #expect(hec.events.map(\.event) == ["lost"])
        #expect(hec.stats.faultsServed == 1)
    }

    @Test("waitForEvents returns once enough events are indexed, immediately when they already are")
    func waitForEvents() async throws {
        let hec = SplunkHECEmulator()
        try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { url in
            let client = HECTestClient(baseURL: url)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await hec.waitForEvents(count: 3) }
                group.addTask { await hec.waitForEvents(count: 1) }
                #expect(try await client.post(#"{"event":1}{"event":2}"#).hecCode == 0)
                #expect(try await client.post(#"{"event":3}"#).hecCode == 0)
                try await group.waitForAll()
            }
            await hec.waitForEvents(count: 3)
            #expect(hec.events.count == 3)
        }
    }

    @Test("a cancelled waitForEvents returns without the events")
    func cancelledWait() async throws {
        let hec = SplunkHECEmulator()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await hec.waitForEvents(count: 10) }
            group.cancelAll()
            await group.waitForAll()
        }
        #expect(hec.events.isEmpty)
    }
}

@Suite("Sandbox: both emulators together", .timeLimit(.minutes(1)))
struct SandboxTests {
    @Test("withRunning serves both emulators on 127.0.0.1 with distinct ports and no trailing slash")
    func bothEmulators() async throws {
        let org = GenesysOrgEmulator(
            configuration: .init(latePersistence: .zero ... .zero, historyPerService: 0), clock: ManualClock())
        let hec = SplunkHECEmulator()
        let endpoints = try await Sandbox.withRunning(genesys: org, hec: hec, logger: TestHTTP.logger) { endpoints in
            let session = GenesysTestSession(baseURL: endpoints.genesysURL)
            let token = try await session.token()
            #expect(try await session.serviceMapping(token: token).status == 200)
            let health = try await TestHTTP.send(.GET, endpoints.hecURL + "/services/collector/health")
            #expect(health.hecCode == 17)
            return endpoints
        }
        for url in [endpoints.genesysURL, endpoints.hecURL] {
            #expect(url.hasPrefix("http://127.0.0.1:"))
            #expect(!url.hasSuffix("/"))
        }
        #expect(endpoints.genesysURL != endpoints.hecURL)
    }

    @Test("the body's error is rethrown after the servers stop")
    func bodyErrorPropagates() async throws {
        let hec = SplunkHECEmulator()
        await #expect(throws: TestFailure.self) {
            try await Sandbox.withRunning(hec: hec, logger: TestHTTP.logger) { _ in
                throw TestFailure("boom")
            }
        }
    }
}
