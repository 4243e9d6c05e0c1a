import RelayCore
import RelaySandbox
import RelayTesting
import Testing

@Suite("Genesys org emulator: OAuth, 401, 429, service mapping", .timeLimit(.minutes(1)))
struct GenesysAuthTests {
    @Test("a token is issued, works until tokenLifetime has passed on the injected clock, then answers 401")
    func tokenIssueAndExpiry() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(configuration: .init(tokenLifetime: .seconds(300)), clock: clock)
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let issued = try await session.requestToken()
            #expect(issued.status == 200)
            #expect(issued.json?["token_type"] == "bearer")
            #expect(issued.json?["expires_in"]?.int64Value == 300)
            let token = try #require(issued.json?["access_token"]?.stringValue)
            #expect(!token.isEmpty)

            #expect(try await session.serviceMapping(token: token).status == 200)
            clock.advance(by: .seconds(299))
            #expect(try await session.serviceMapping(token: token).status == 200)
            clock.advance(by: .seconds(1))
            let expired = try await session.serviceMapping(token: token)
            #expect(expired.status == 401)
            #expect(expired.json?["code"] == "bad.credentials")

            let fresh = try await session.token()
            #expect(fresh != token)
            #expect(try await session.serviceMapping(token: fresh).status == 200)
        }
        #expect(org.stats.tokenRequests == 2)
        #expect(org.stats.apiRequests == 4)
        #expect(org.stats.unauthorizedResponses == 1)
    }

    @Test("wrong client credentials are 401 invalid_client; a bad grant is 400 unsupported_grant_type")
    func tokenErrors() async throws {
        let org = GenesysOrgEmulator(clock: ManualClock())
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            var wrong = GenesysTestSession(baseURL: url)
            wrong.clientSecret = "not-the-secret"
            let refused = try await wrong.requestToken()
            #expect(refused.status == 401)
            #expect(refused.json?["error"] == "invalid_client")
            #expect(refused.json?["description"]?.stringValue != nil)
            #expect(refused.json?["error_description"]?.stringValue != nil)
            #expect(!refused.text.contains("not-the-secret"))

            let noCredentials = try await TestHTTP.send(
                .POST, url + "/oauth/token", body: Array("grant_type=client_credentials".utf8)
            )
            #expect(noCredentials.status == 401)

            let badGrant = try await GenesysTestSession(baseURL: url).requestToken(grant: "password")
            #expect(badGrant.status == 400)
            #expect(badGrant.json?["error"] == "unsupported_grant_type")

            let formCredentials = try await TestHTTP.send(
                .POST, url + "/oauth/token",
                body: Array("grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret".utf8)
            )
            #expect(formCredentials.status == 200)
        }
        #expect(org.stats.tokenRequests == 4)
        #expect(org.stats.unauthorizedResponses == 2)
    }

    @Test("API calls without, with an unknown, or with a revoked bearer token answer 401 ErrorBody")
    func unauthorized() async throws {
        let org = GenesysOrgEmulator(clock: ManualClock())
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            for token in [nil, "made-up-token"] {
                let response = try await session.realtime(token: token, GenesysTestSession.query())
                #expect(response.status == 401)
                let body = try #require(response.json)
                #expect(body["code"] == "bad.credentials")
                #expect(body["status"]?.int64Value == 401)
                #expect(body["message"]?.stringValue?.isEmpty == false)
                #expect(body["contextId"]?.stringValue == response.header("ININ-Correlation-Id"))
                #expect(body["details"] == [])
                #expect(body["errors"] == [])
                #expect(response.header("inin-ratelimit-allowed") == "300")
            }
            let token = try await session.token()
            let lowerCase = try await TestHTTP.send(
                .GET, url + "/api/v2/audits/query/servicemapping", headers: [("Authorization", "bearer \(token)")]
            )
            #expect(lowerCase.status == 200)
            let basic = try await TestHTTP.send(
                .GET, url + "/api/v2/audits/query/servicemapping", headers: [("Authorization", "Basic \(token)")]
            )
            #expect(basic.status == 401)

            org.expireAllTokens()
            #expect(try await session.serviceMapping(token: token).status == 401)
        }
        #expect(org.stats.unauthorizedResponses == 4)
    }

    @Test("rateLimitNextRequests answers the next API calls 429 with Retry-After; token requests are exempt")
    func rateLimited() async throws {
        let org = GenesysOrgEmulator(clock: ManualClock())
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            org.rateLimitNextRequests(2, retryAfterSeconds: 7)
            #expect(try await session.requestToken().status == 200)
            for _ in 0..<2 {
                let response = try await session.realtime(token: token, GenesysTestSession.query())
                #expect(response.status == 429)
                #expect(response.header("Retry-After") == "7")
                let body = try #require(response.json)
                #expect(body["code"] == "too.many.requests")
                #expect(body["status"]?.int64Value == 429)
                #expect(body["limit"]?["value"]?.int64Value == 300)
                #expect(body["limit"]?["namespace"]?.stringValue != nil)
            }
            #expect(try await session.realtime(token: token, GenesysTestSession.query()).status == 200)
        }
        #expect(org.stats.rateLimitedResponses == 2)
        #expect(org.stats.realtimeQueries == 1)
        #expect(org.stats.tokenRequests == 2)
    }

    @Test("every API response carries the inin-ratelimit headers and a correlation id")
    func rateLimitHeaders() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(clock: clock)
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            let first = try await session.serviceMapping(token: token)
            clock.advance(by: .seconds(20))
            let second = try await session.serviceMapping(token: token)
            #expect(first.header("inin-ratelimit-count") == "1")
            #expect(second.header("inin-ratelimit-count") == "2")
            #expect(first.header("inin-ratelimit-reset") == "60")
            #expect(second.header("inin-ratelimit-reset") == "40")
            #expect(second.header("inin-ratelimit-allowed") == "300")
            #expect(first.header("ININ-Correlation-Id") != second.header("ININ-Correlation-Id"))
            clock.advance(by: .seconds(40))
            #expect(try await session.serviceMapping(token: token).header("inin-ratelimit-count") == "1")
        }
    }

    @Test("the service mapping lists the configured services with their entities and actions")
    func serviceMapping() async throws {
        let org = GenesysOrgEmulator(clock: ManualClock())
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let response = try await session.serviceMapping(token: try await session.token())
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
            let services = try #require(response.json?["services"]?.arrayValue)
            #expect(services.compactMap { $0["name"]?.stringValue } == GenesysOrgConfiguration.defaultServices)
            let oauth = try #require(services.first { $0["name"] == "OAuth" })
            let client = try #require(oauth["entities"]?.arrayValue?.first { $0["name"] == "OAuthClient" })
            #expect(client["actions"]?.arrayValue?.contains("View") == true)
            let routing = try #require(services.first { $0["name"] == "Routing" })
            #expect(routing["entities"]?.arrayValue?.contains { $0["name"] == "Queue" } == true)
        }
    }
}
