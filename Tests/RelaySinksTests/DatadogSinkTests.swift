import Logging
import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting
import Testing

/// Rows stamped relative to a clock, for sinks that care about event age.
enum TimedFixtures {
    static func entry(_ number: Int, at clock: any WallClock, offset: Duration = .zero, platform: Platform = .genesys)
        -> OutboxEntry
    {
        let time = clock.now.advanced(by: offset).timestamp
        var entry = Fixtures.entry(number, platform: platform, ms: time.millisecondsSinceEpoch - Int64(number))
        entry.enqueuedAt = clock.now.timestamp
        return entry
    }

    static let logger = Logger.quiet("ccrelay.sinks.tests")
}

@Suite("DatadogLogsSink against the sandbox intake", .timeLimit(.minutes(2)))
struct DatadogSinkTests {
    private func withIntake<T: Sendable>(
        apiKey: String = DatadogIntakeConfiguration.defaultAPIKey,
        intake intakeConfiguration: DatadogIntakeConfiguration = .init(),
        gzip: Bool = true,
        _ body: @Sendable (DatadogLogsSink, DatadogIntakeEmulator, ManualClock) async throws -> T
    ) async throws -> T {
        let clock = ManualClock()
        let intake = DatadogIntakeEmulator(configuration: intakeConfiguration, clock: clock)
        return try await Sandbox.withRunning(datadog: intake, logger: TimedFixtures.logger) { url in
            let configuration = DatadogLogsSinkConfiguration(
                name: "datadog", endpoint: url + "/", apiKey: apiKey, hostname: "relay-01",
                tags: ["team": "cc", "env": "prod"], gzip: gzip, requestTimeout: .seconds(10))
            let sink = DatadogLogsSink(
                configuration: configuration, transport: HTTPTransport())
            return try await body(sink, intake, clock)
        }
    }

    @Test(
        "a batch arrives as one log per event with Datadog's reserved attributes and the normalized fields",
        arguments: [true, false])
    func delivers(gzip: Bool) async throws {
        try await withIntake(gzip: gzip) { sink, intake, clock in
            let entries = [TimedFixtures.entry(1, at: clock), TimedFixtures.entry(2, at: clock, platform: .cxone)]
            #expect(await sink.deliver(entries) == .delivered)
            let logs = intake.logs
            try #require(logs.count == 2)
            #expect(logs.map(\.eventID) == entries.map(\.eventID))
            #expect(logs.map { $0["ddsource"] } == ["genesys", "cxone"])
            #expect(
                logs.allSatisfy {
                    $0["ddtags"] == "env:prod,team:cc" && $0["service"] == "ccrelay" && $0["hostname"] == "relay-01"
                })
            #expect(logs.allSatisfy { $0["status"] == "info" })
            #expect(logs[0]["message"] == "QUEUE_UPDATED by Agent \"1\"\n")
            #expect(logs[0]["event_type"] == "QUEUE_UPDATED")
            #expect(logs[0]["event_time"] == entries[0].timestamp.iso8601)
            #expect(logs[0]["timestamp"] == nil, "Datadog dates the log at intake")
            #expect(logs[0].fields["attributes"]?["z.order"] == "kept")
            #expect(
                logs[0].fields["attributes"]?["a.big"] == .number(JSONNumber(uncheckedLiteral: "12345678901234567890")))
        }
    }

    @Test("every site maps to its intake; an explicit endpoint wins")
    func sites() {
        #expect(DatadogSite.all.count == 7)
        let eu = DatadogLogsSinkConfiguration(name: "d", site: .eu1, apiKey: "k")
        #expect(eu.intakeURL == "https://http-intake.logs.datadoghq.eu/api/v2/logs")
        #expect(
            DatadogLogsSinkConfiguration(name: "d", apiKey: "k").intakeURL
                == "https://http-intake.logs.datadoghq.com/api/v2/logs")
        #expect(
            DatadogLogsSinkConfiguration(name: "d", site: .gov, apiKey: "k").intakeURL
                == "https://http-intake.logs.ddog-gov.com/api/v2/logs")
        let proxy = DatadogLogsSinkConfiguration(name: "d", site: .ap1, endpoint: "http://proxy:8080/", apiKey: "k")
        #expect(proxy.intakeURL == "http://proxy:8080/api/v2/logs")
    }

    @Test("a wrong API key is a credential rejection that never shows the key")
    func wrongKey() async throws {
        try await withIntake(apiKey: "wrong-key-value") { sink, intake, clock in
            let outcome = await sink.deliver([TimedFixtures.entry(1, at: clock)])
            #expect(Fate(outcome) == .credentialRejected)
            #expect(outcome.reason.contains("403"))
            #expect(!outcome.reason.contains("wrong-key-value"))
            #expect(intake.logs.isEmpty)
        }
    }

    @Test("429 and 503 say the intake is unavailable (429 with its Retry-After); 500 is retriable")
    func retriable() async throws {
        try await withIntake { sink, intake, clock in
            intake.injectFaults([.tooManyRequests(retryAfterSeconds: 7), .internalError, .unavailable])
            let entries = [TimedFixtures.entry(1, at: clock)]
            #expect(Fate(await sink.deliver(entries)) == .unavailable(retryAfter: .seconds(7)))
            #expect(Fate(await sink.deliver(entries)) == .retriable(retryAfter: nil))
            #expect(Fate(await sink.deliver(entries)) == .unavailable(retryAfter: nil))
            #expect(await sink.deliver(entries) == .delivered)
            #expect(intake.logs.count == 1)
        }
    }

    @Test("400 rejects a single event with Datadog's words; for a larger batch the worker is told to bisect")
    func badRequest() async throws {
        try await withIntake { sink, intake, clock in
            intake.injectFaults([.badRequest, .badRequest])
            let single = await sink.deliver([TimedFixtures.entry(1, at: clock)])
            #expect(Fate(single) == .rejected)
            #expect(single.reason.contains("malformed request body"))
            let batch = await sink.deliver([TimedFixtures.entry(1, at: clock), TimedFixtures.entry(2, at: clock)])
            #expect(Fate(batch) == .poisoned(index: nil))
        }
    }

    @Test("408 is retried (attempt used, not an outage); 413 for a batch asks the worker to bisect")
    func timeoutAndTooLarge() async throws {
        try await withIntake { sink, intake, clock in
            intake.injectFaults([.requestTimeout, .payloadTooLarge])
            let batch = [TimedFixtures.entry(1, at: clock), TimedFixtures.entry(2, at: clock)]
            let timedOut = await sink.deliver(batch)
            #expect(Fate(timedOut) == .retriable(retryAfter: nil))
            #expect(timedOut.reason.contains("408"))
            let tooLarge = await sink.deliver(batch)
            #expect(Fate(tooLarge) == .poisoned(index: nil))
            #expect(tooLarge.reason.contains("413"))
            #expect(await sink.deliver(batch) == .delivered)
        }
    }

    @Test("an event 3 days old and one 3 h ahead reach Datadog with their event_time, and no timestamp")
    func anyAge() async throws {
        try await withIntake { sink, intake, clock in
            let old = TimedFixtures.entry(1, at: clock, offset: .seconds(-3 * 24 * 3600))
            let future = TimedFixtures.entry(2, at: clock, offset: .seconds(3 * 3600))
            #expect(await sink.deliver([old, future]) == .delivered)
            let logs = intake.logs
            try #require(logs.count == 2)
            #expect(logs.map(\.eventID) == [old.eventID, future.eventID])
            #expect(logs.map { $0["event_time"] } == [old.timestamp.iso8601, future.timestamp.iso8601])
            #expect(logs.allSatisfy { $0["timestamp"] == nil })
            #expect(intake.stats.droppedForAge == 0)
        }
    }

    @Test("a batch beyond 1000 entries or 5 MB is sent as several requests, all delivered")
    func splits() async throws {
        try await withIntake { sink, intake, clock in
            let entries = (0..<1500).map { TimedFixtures.entry($0, at: clock) }
            #expect(await sink.deliver(entries) == .delivered)
            #expect(intake.stats.acceptedRequests == 2)
            #expect(Set(intake.logs.compactMap(\.eventID)) == Set(entries.map(\.eventID)))
        }
    }

    @Test("when a later request is throttled, the rest of the batch waits out the outage without using attempts")
    func partialOutage() async throws {
        try await withIntake { sink, intake, clock in
            let entries = (0..<1500).map { TimedFixtures.entry($0, at: clock) }
            intake.injectFaults([.pass, .tooManyRequests(retryAfterSeconds: 3)])
            guard case .partial(let fates) = await sink.deliver(entries) else {
                Issue.record("expected a partial outcome")
                return
            }
            #expect(fates.delivered == entries.prefix(1000).map(\.id))
            #expect(fates.retriable == entries.suffix(500).map(\.id))
            #expect(fates.retryIsOutage && fates.retryAfter == .seconds(3))
        }
    }

    @Test("when a later request fails, the earlier requests' events stay delivered and the rest are retried")
    func partialFailure() async throws {
        // The intake takes at most 1 MB: the first 1000 small events pass, the 200 padded ones do not.
        try await withIntake(intake: DatadogIntakeConfiguration(maxRequestBytes: 1_000_000)) { sink, intake, clock in
            var entries = (0..<1200).map { TimedFixtures.entry($0, at: clock) }
            for index in 1000..<1200 {
                var event = SampleEvents.event(
                    index, ms: entries[index].timestamp.millisecondsSinceEpoch - Int64(index))
                event.attributes.append(key: "pad", value: .string(String(repeating: "p", count: 10_000)))
                entries[index].payload = event.encoded()
            }
            guard case .partial(let fates) = await sink.deliver(entries) else {
                Issue.record("expected a partial outcome")
                return
            }
            #expect(fates.delivered == entries.prefix(1000).map(\.id))
            #expect(fates.retriable == entries.suffix(200).map(\.id))
            #expect(fates.retryReason.contains("413"))
            #expect(!fates.retryIsOutage, "a request too large is the batch's fault, not an outage")
            #expect(intake.logs.count == 1000)
        }
    }
}
