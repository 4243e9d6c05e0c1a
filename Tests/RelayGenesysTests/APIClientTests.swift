import RelayCore
import RelayHTTP
import RelayTesting
import Testing

@testable import RelayGenesys

@Suite struct GenesysAPIClientTests {
    let endpoints = GenesysEndpoints(baseURL: "https://gateway.example")

    /// A client whose API requests are answered by `api`, with tokens `Bearer t1`, `Bearer t2`, ...
    func makeClient(
        clock: ManualClock = ManualClock(),
        api: @escaping @Sendable (OutboundRequest, Int) -> InboundResponse
    ) -> (GenesysAPIClient, FakeTokenSource, FakeHTTP) {
        let tokens = FakeTokenSource(clock: clock)
        let http = FakeHTTP(handler: api)
        return (GenesysAPIClient(endpoints: endpoints, tokens: tokens.provider(), send: http.send), tokens, http)
    }

    @Test func sendsTheTokenAndParsesJSON() async throws {
        let (client, _, http) = makeClient { _, _ in jsonResponse(200, #"{"services":[{"name":"Routing"}]}"#) }
        let response = try await client.request("GET", "/api/v2/audits/query/servicemapping")
        #expect(response["services"]?.arrayValue?.count == 1)
        #expect(http.sent.first?.url == "https://gateway.example/api/v2/audits/query/servicemapping")
        #expect(http.sent.first?.header("Authorization") == "Bearer t1")
    }

    @Test func a401RefreshesOnceAndResendsWithTheNewToken() async throws {
        let (client, tokens, http) = makeClient { _, index in
            index == 0
                ? jsonResponse(401, #"{"message":"expired","code":"bad.credentials","status":401}"#)
                : jsonResponse(200, "{}")
        }
        _ = try await client.request("POST", "/api/v2/audits/query/realtime?expand=user", body: ["pageNumber": 1])
        #expect(http.sent.map { $0.header("Authorization") } == ["Bearer t1", "Bearer t2"])
        #expect(http.sent.allSatisfy { $0.jsonBody == ["pageNumber": 1] })
        #expect(tokens.count == 2)
    }

    @Test func aSecond401IsAnAuthenticationError() async throws {
        let (client, tokens, http) = makeClient { _, _ in jsonResponse(401, #"{"message":"nope"}"#) }
        await #expect {
            _ = try await client.request("GET", "/api/v2/users/me")
        } throws: { error in
            guard let error = error as? RelayError else { return false }
            return error.code == .authentication && error.message.contains("/api/v2/users/me")
                && !error.message.contains("t1") && !error.message.contains("t2")
        }
        #expect(http.sent.count == 2)
        #expect(tokens.count == 2)
    }

    @Test func a429CarriesRetryAfterPlusTheSafetyMargin() async throws {
        let (client, _, _) = makeClient { _, _ in
            jsonResponse(
                429, #"{"message":"Rate limit exceeded","code":"too.many.requests"}"#, headers: [("Retry-After", "30")])
        }
        await #expect {
            _ = try await client.request("GET", "/api/v2/x")
        } throws: { error in
            (error as? RelayError)?.code == .rateLimited && (error as? RelayError)?.retryAfter == .seconds(40)
        }
        let (bare, _, _) = makeClient { _, _ in jsonResponse(429, "{}") }
        await #expect {
            _ = try await bare.request("GET", "/api/v2/x")
        } throws: { error in
            (error as? RelayError)?.retryAfter == .seconds(70)
        }
    }

    @Test func otherStatusesNameMethodPathStatusAndErrorBody() async throws {
        let (client, _, _) = makeClient { _, _ in
            jsonResponse(
                400, #"{"message":"Interval is too long","code":"bad.request","status":400,"contextId":"c-1"}"#)
        }
        await #expect {
            _ = try await client.request("POST", "/api/v2/audits/query/realtime?expand=user", body: [:])
        } throws: { error in
            guard let error = error as? RelayError else { return false }
            return error.code == .requestRejected && error.message.contains("POST /api/v2/audits/query/realtime")
                && error.message.contains("400") && error.message.contains("Interval is too long")
                && error.message.contains("bad.request") && !error.message.contains("Bearer")
        }
    }

    @Test func invalidJSONIsAMalformedResponseNamingThePath() async throws {
        let (client, _, _) = makeClient { _, _ in jsonResponse(200, #"{"entities":["#) }
        await #expect {
            _ = try await client.request("POST", "/api/v2/audits/query/realtime", body: [:])
        } throws: { error in
            guard let error = error as? RelayError else { return false }
            return error.code == .malformedResponse && error.message.contains("/api/v2/audits/query/realtime")
        }
    }
}

@Suite struct GenesysTokenEndpointTests {
    @Test func clientCredentialsGrant() async throws {
        let http = FakeHTTP { _, _ in
            jsonResponse(200, #"{"access_token":"abc.def","token_type":"bearer","expires_in":86400}"#)
        }
        let endpoint = GenesysTokenEndpoint(
            endpoints: GenesysEndpoints(region: try GenesysRegion(environment: "mypurecloud.ie")),
            clientID: "my-client", clientSecret: "my-secret", send: http.send
        )
        let token = try await endpoint.fetch()
        #expect(token == AccessToken(authorization: "Bearer abc.def", expiresIn: .seconds(86_400)))
        let request = try #require(http.sent.first)
        #expect(request.method == "POST")
        #expect(request.url == "https://login.mypurecloud.ie/oauth/token")
        // base64("my-client:my-secret")
        #expect(request.header("Authorization") == "Basic bXktY2xpZW50Om15LXNlY3JldA==")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(request.body == Array("grant_type=client_credentials".utf8))
    }

    @Test(arguments: [400, 401])
    func rejectedCredentialsNameTheClientButNotTheSecret(status: Int) async throws {
        let http = FakeHTTP { _, _ in
            jsonResponse(
                status, #"{"error":"invalid_client","description":"x","error_description":"client not found"}"#)
        }
        let endpoint = GenesysTokenEndpoint(
            endpoints: GenesysEndpoints(baseURL: "http://127.0.0.1:1"), clientID: "my-client",
            clientSecret: "my-secret",
            send: http.send
        )
        await #expect {
            _ = try await endpoint.fetch()
        } throws: { error in
            guard let error = error as? RelayError else { return false }
            return error.code == .authentication && error.message.contains("my-client")
                && error.message.contains("invalid_client") && error.message.contains("client not found")
                && !error.message.contains("my-secret") && !error.description.contains("my-secret")
        }
    }

    @Test func base64MatchesRFC4648Vectors() {
        let vectors = [
            "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
            "foobar": "Zm9vYmFy",
        ]
        for (input, expected) in vectors {
            #expect(Base64.encode(Array(input.utf8)) == expected)
        }
    }
}
