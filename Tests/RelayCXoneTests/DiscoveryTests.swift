import RelayCore
import RelayHTTP
import Testing

@testable import RelayCXone

@Suite("CXone discovery")
struct CXoneDiscoveryTests {
    /// A discovery service that announces `endpoint` and counts its requests.
    func base(announcing endpoint: String, configured: String? = nil) -> CXoneAPIBase {
        CXoneAPIBase(configured: configured, discoveryURL: "https://cxone.example", tenantID: "t-1") { request in
            #expect(request.url.hasPrefix("https://cxone.example/.well-known/cxone-configuration"))
            return InboundResponse(
                status: 200, headers: [("Content-Type", "application/json")],
                body: Array(#"{"tenantId":"t-1","api_endpoint":"\#(endpoint)"}"#.utf8))
        }
    }

    @Test("an https API endpoint found by discovery is used")
    func httpsAccepted() async throws {
        #expect(try await base(announcing: "https://api-na1.example/").url() == "https://api-na1.example")
    }

    @Test("an http API endpoint found by discovery is refused, naming the host, so no token is sent in clear text")
    func httpRefused() async throws {
        let error = await #expect(throws: RelayError.self) {
            try await base(announcing: "http://api-evil.example/path").url()
        }
        #expect(error?.message.contains("http://api-evil.example") == true)
        #expect(error?.message.contains("/path") == false)
        #expect(error?.message.contains("api_base_url") == true)
    }

    @Test("a configured http api_base_url is used as written, without discovery")
    func configuredHTTPAllowed() async throws {
        let base = CXoneAPIBase(
            configured: "http://127.0.0.1:9000", discoveryURL: "https://cxone.example", tenantID: "t-1"
        ) { _ in
            Issue.record("discovery must not be asked")
            return InboundResponse(status: 500, headers: [], body: [])
        }
        #expect(try await base.url() == "http://127.0.0.1:9000")
    }
}
