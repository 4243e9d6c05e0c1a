import Foundation
import RelayAlerts
import RelayConfig
import RelayCore
import RelayHTTP
import RelayObservability
import RelayOperations
import RelayRuntime
import RelaySandbox
import Testing

/// A pipeline observed through ccrelay's admin listener (``url``; ``pushURL`` is the push listener): the sandbox Genesys org feeding two HEC
/// sinks, `splunk` (delivers) and `archive` (its token is refused: halted on credential, its
/// outbox keeps the events), with one malformed record dead-lettered at intake, after six `once`
/// runs a few minutes apart on the harness's manual clock.
struct ObservabilityFixture: Sendable {
    static let generated = 150
    static let malformedID = "<script>alert(1)</script>"

    let harness: PipelineHarness
    let runtime: RelayRuntime
    let metrics: MetricsExporter
    /// The admin listener, which serves the operator pages.
    let url: String
    /// The push listener.
    let pushURL: String

    static func with<T: Sendable>(_ body: @Sendable (ObservabilityFixture) async throws -> T) async throws -> T {
        try await PipelineHarness.with { harness in
            harness.org.insertMalformedRecord(
                serviceName: "Routing", rawJSON: #"{"id":"\#(malformedID)","serviceName":"Routing"}"#)
            let yaml =
                harness.configurationYAML()
                .replacingOccurrences(of: "to: [splunk]", with: "to: [splunk, archive]")
                .replacingOccurrences(
                    of: "token: \(SplunkHECConfiguration.defaultToken)", with: "token: ${SPLUNK_TOKEN}")
                    + """

                      archive:
                        type: splunk_hec
                        endpoint: \(harness.endpoints.hecURL)
                        token: ${ARCHIVE_TOKEN}
                        index: archive
                        retry:
                          max_attempts: 3
                          initial_backoff_secs: 1
                          max_backoff_secs: 60
                    server:
                      listen: 127.0.0.1:0
                      admin_listen: 127.0.0.1:0
                    """
            let secret = harness.org.configuration.clientSecret
            let interpolation = Interpolation(environment: { name in
                switch name {
                case "GENESYS_SECRET": secret
                case "SPLUNK_TOKEN": SplunkHECConfiguration.defaultToken
                case "ARCHIVE_TOKEN": "not-the-sandbox-token"
                default: nil
                }
            })
            let configuration = try ConfigLoader(interpolation: interpolation).load(yaml: yaml)
            let metrics = MetricsExporter()
            let runtime = try RelayRuntime(
                configuration: configuration, clock: harness.clock, metrics: metrics, logger: PipelineHarness.logger)
            // Rounds of records a few minutes apart, sampled as the throughput sampler does.
            for count in [10, 40, 25, 5, 30, 40] {
                harness.org.generate(count: count)
                harness.clock.advance(by: .seconds(60))
                runtime.observed.throughput.sample(totals: runtime.observed.throughputTotals(), at: harness.clock.now)
                _ = try await harness.runOnce(runtime, within: .seconds(90))
            }
            return try await ListenerFixture.serving(runtime) { urls in
                try await body(
                    ObservabilityFixture(
                        harness: harness, runtime: runtime, metrics: metrics, url: urls.admin, pushURL: urls.push))
            }
        }
    }

    /// GET `path` from the admin listener (or from `base`): status, content type and body text.
    func get(_ path: String, on base: String? = nil) async throws -> (status: Int, contentType: String?, body: String) {
        let target = (base ?? url) + path
        let response = try await HTTPTransport().send(
            OutboundRequest(method: "GET", url: target, headers: [], body: nil))
        return (response.status, response.header("Content-Type"), String(decoding: response.body, as: UTF8.self))
    }
}
