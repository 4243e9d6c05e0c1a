import RelayCore
import RelayHTTP
import RelaySandbox
import RelaySinks
import RelayTesting
import Testing

@Suite("ElasticsearchSink against the sandbox cluster", .timeLimit(.minutes(2)))
struct ElasticsearchSinkTests {
    private func withCluster<T: Sendable>(
        _ cluster: ElasticsearchEmulator = ElasticsearchEmulator(),
        auth: ElasticsearchAuth = .apiKey(Credential(ElasticsearchConfiguration.defaultAPIKey)),
        gzip: Bool = true,
        _ body: @Sendable (ElasticsearchSink, ElasticsearchEmulator) async throws -> T
    ) async throws -> T {
        try await Sandbox.withRunning(elasticsearch: cluster, logger: TimedFixtures.logger) { url in
            let configuration = ElasticsearchSinkConfiguration(
                name: "elastic", endpoint: url, auth: auth, gzip: gzip, requestTimeout: .seconds(10))
            return try await body(
                ElasticsearchSink(
                    configuration: configuration, transport: HTTPTransport(), logger: TimedFixtures.logger),
                cluster)
        }
    }

    private static let index = ElasticsearchSinkConfiguration.defaultIndex

    @Test("each event is created with _id = event_id, @timestamp = its time and its fields", arguments: [true, false])
    func delivers(gzip: Bool) async throws {
        try await withCluster(gzip: gzip) { sink, cluster in
            let entries = [Fixtures.entry(1), Fixtures.entry(2, platform: .cxone)]
            #expect(await sink.deliver(entries) == .delivered)
            let documents = cluster.documents
            #expect(documents.map(\.id) == entries.map(\.eventID))
            #expect(documents.allSatisfy { $0.index == Self.index })
            for (document, entry) in zip(documents, entries) {
                #expect(document.source["@timestamp"]?.stringValue == entry.timestamp.iso8601)
                var source = document.source
                source["@timestamp"] = nil
                let payload = try JSONParser.parse(entry.payload)
                #expect(JSONValue.object(source) == payload)
            }
        }
    }

    @Test("a resend is refused 409 by the cluster and counted as delivered; nothing is indexed twice")
    func resendIsDelivered() async throws {
        try await withCluster { sink, cluster in
            let entries = (1...3).map { Fixtures.entry($0) }
            #expect(await sink.deliver(entries) == .delivered)
            #expect(await sink.deliver(entries) == .delivered)
            #expect(cluster.documents.count == 3)
            #expect(cluster.stats.conflicts == 3)
        }
    }

    @Test("a mapping error dead-letters its event alone with the error type; the others are indexed")
    func mappingErrorRejectsOne() async throws {
        try await withCluster { sink, cluster in
            cluster.map(index: Self.index, field: "custom_field", as: "string")
            var entries = (1...3).map { Fixtures.entry($0) }
            var bad = try #require(try JSONParser.parse(entries[1].payload).objectValue)
            bad["custom_field"] = ["nested": 1]
            entries[1].payload = JSONWriter.encode(.object(bad))
            guard case .partial(let fates) = await sink.deliver(entries) else {
                Issue.record("expected a partial delivery")
                return
            }
            #expect(fates.delivered == [1, 3])
            #expect(fates.retriable.isEmpty)
            #expect(Array(fates.rejected.keys) == [2])
            let reason = fates.rejected[2] ?? ""
            #expect(reason.contains("document_parsing_exception") && reason.contains("custom_field"))
            #expect(cluster.documents.map(\.id) == [entries[0].eventID, entries[2].eventID])
        }
    }

    @Test("items answered 429 alone are retried alone, as an outage; the others are delivered")
    func throttledItemsRetried() async throws {
        try await withCluster { sink, cluster in
            cluster.injectFaults([.throttledItems(count: 1)])
            let entries = (1...3).map { Fixtures.entry($0) }
            guard case .partial(let fates) = await sink.deliver(entries) else {
                Issue.record("expected a partial delivery")
                return
            }
            #expect(fates.delivered == [2, 3])
            #expect(fates.retriable == [1])
            #expect(fates.retryIsOutage)
            #expect(fates.retryReason.contains("es_rejected_execution_exception"))
            #expect(await sink.deliver([entries[0]]) == .delivered)
            #expect(Set(cluster.documents.map(\.id)) == Set(entries.map(\.eventID)))
        }
    }

    @Test("whole-request 429 and 503 are outages, 401 a credential rejection; nothing is indexed")
    func wholeRequestFaults() async throws {
        try await withCluster { sink, cluster in
            cluster.injectFaults([.throttled(retryAfterSeconds: 7), .unavailable, .unauthorized])
            let entries = [Fixtures.entry(1), Fixtures.entry(2)]
            let throttled = await sink.deliver(entries)
            #expect(throttled.isOutage)
            #expect(throttled.retryDetails?.retryAfter == .seconds(7))
            #expect(await sink.deliver(entries).isOutage)
            guard case .credentialRejected(let reason) = await sink.deliver(entries) else {
                Issue.record("expected a credential rejection")
                return
            }
            #expect(reason.contains("security_exception"))
            #expect(!reason.contains(ElasticsearchConfiguration.defaultAPIKey))
            #expect(cluster.documents.isEmpty)
        }
    }

    @Test("basic credentials are sent; a wrong password is a credential rejection")
    func basicAuth() async throws {
        let good = ElasticsearchAuth.basic(
            username: "elastic", password: Credential(ElasticsearchConfiguration.defaultPassword))
        try await withCluster(auth: good) { sink, cluster in
            #expect(await sink.deliver([Fixtures.entry(1)]) == .delivered)
            #expect(cluster.documents.count == 1)
        }
        let bad = ElasticsearchAuth.basic(username: "elastic", password: Credential("not-the-password"))
        try await withCluster(auth: bad) { sink, cluster in
            guard case .credentialRejected = await sink.deliver([Fixtures.entry(1)]) else {
                Issue.record("expected a credential rejection")
                return
            }
            #expect(cluster.documents.isEmpty)
        }
    }

    @Test("a request answered 413 is halved until each part fits; every event is indexed")
    func tooLargeIsSplit() async throws {
        let entries = (1...4).map { Fixtures.entry($0) }
        let oneEntry = entries.map(\.payload.count).max()! + 300
        let cluster = ElasticsearchEmulator(configuration: .init(maxRequestBytes: oneEntry))
        try await withCluster(cluster) { sink, cluster in
            #expect(await sink.deliver(entries) == .delivered)
            #expect(cluster.documents.map(\.id) == entries.map(\.eventID))
            #expect(cluster.stats.requests == 7)
        }
    }
}
