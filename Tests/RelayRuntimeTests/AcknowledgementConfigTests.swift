import RelayConfig
import RelayCore
import RelayRuntime
import RelaySinks
import Testing

@Suite("Splunk HEC acknowledgement configuration")
struct AcknowledgementConfigTests {
    func acknowledgement(_ keys: String) throws -> AcknowledgementConfiguration {
        let yaml = """
            allow_inline_secrets: true
            sources:
              g: {type: genesys_audit, client_id: a, client_secret: b}
            sinks:
              s: {type: splunk_hec, endpoint: "https://hec.example.com:8088", token: t\(keys)}

            """
        let configuration = try ConfigLoader().load(yaml: yaml)
        return try #require(configuration.sinks.first as? SplunkHECSinkConfiguration).acknowledgement
    }

    @Test("by default the limit is 3,000,000 pending events and no limit in batches")
    func defaults() throws {
        let ack = try acknowledgement("")
        #expect(ack.maxPendingEvents == 3_000_000)
        #expect(ack.maxPendingBatches == nil)
    }

    @Test("max_pending_ack_events sets the event limit; max_pending_acks adds a batch limit")
    func explicit() throws {
        let ack = try acknowledgement(", max_pending_ack_events: 500000, max_pending_acks: 2000")
        #expect(ack.maxPendingEvents == 500_000)
        #expect(ack.maxPendingBatches == 2000)
    }

    @Test("a max_pending_ack_events of zero is refused, naming the key")
    func refused() {
        #expect {
            _ = try acknowledgement(", max_pending_ack_events: 0")
        } throws: { error in
            "\(error)".contains("max_pending_ack_events")
        }
    }
}
