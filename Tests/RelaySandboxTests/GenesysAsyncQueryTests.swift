import RelayCore
import RelaySandbox
import RelayTesting
import Testing

@Suite("Genesys org emulator: asynchronous audit queries and rate-limit budgets", .timeLimit(.minutes(1)))
struct GenesysAsyncQueryTests {
    static let base = "/api/v2/audits/query"

    func body(_ interval: String = GenesysTestSession.wideInterval, service: String = "Routing") -> JSONValue {
        ["interval": .string(interval), "serviceName": .string(service)]
    }

    @Test("a transaction is Queued, Running, then Succeeded, and its results page by cursor")
    func transactionLifecycle() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: .init(services: ["Routing"], latePersistence: .zero ... .zero, historyPerService: 0),
            clock: clock)
        let ids = org.generate(count: 12)
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let token = try await GenesysTestSession(baseURL: url).token()
            let auth = [("Authorization", "Bearer \(token)")]
            let submitted = try await TestHTTP.postJSON(url + Self.base, body(), headers: auth)
            #expect(submitted.status == 202)
            #expect(submitted.json?["state"]?.stringValue == "Queued")
            let id = try #require(submitted.json?["id"]?.stringValue)
            let early = try await TestHTTP.send(.GET, url + Self.base + "/\(id)/results", headers: auth)
            #expect(early.status == 400, "no results before Succeeded")
            let states = try await [1, 2].asyncMap { _ in
                try await TestHTTP.send(.GET, url + Self.base + "/\(id)", headers: auth).json?["state"]?.stringValue
            }
            #expect(states == ["Running", "Succeeded"])
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "?pageSize=5&expand=user" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await TestHTTP.send(.GET, url + Self.base + "/\(id)/results" + query, headers: auth)
                #expect(page.status == 200)
                seen += page.json?["entities"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                cursor = page.json?["cursor"]?.stringValue
                pages += 1
            } while cursor != nil
            #expect(seen == ids)
            #expect(pages == 3)
            let tooLarge = try await TestHTTP.send(.GET, url + Self.base + "/\(id)/results?pageSize=501", headers: auth)
            #expect(tooLarge.status == 400)
            let unknown = try await TestHTTP.send(.GET, url + Self.base + "/nope", headers: auth)
            #expect(unknown.status == 404)
        }
    }

    @Test("an interval over 31 days is a 400; injected outcomes end Failed or Cancelled")
    func limitsAndFailures() async throws {
        let org = GenesysOrgEmulator(
            configuration: .init(services: ["Routing"], asyncQueryPolls: 1, historyPerService: 0), clock: ManualClock())
        org.failNextAsyncQueries(1, with: .cancelled)
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let token = try await GenesysTestSession(baseURL: url).token()
            let auth = [("Authorization", "Bearer \(token)")]
            let long = try await TestHTTP.postJSON(
                url + Self.base, body("2025-01-01T00:00:00Z/2025-02-01T00:00:01Z"), headers: auth)
            #expect(long.status == 400)
            #expect(long.json?["message"]?.stringValue?.contains("31 days") == true)
            let ok = try await TestHTTP.postJSON(
                url + Self.base, body("2025-01-01T00:00:00Z/2025-02-01T00:00:00Z"), headers: auth)
            let id = try #require(ok.json?["id"]?.stringValue)
            let state = try await TestHTTP.send(.GET, url + Self.base + "/\(id)", headers: auth)
            #expect(state.json?["state"]?.stringValue == "Cancelled")
        }
    }

    @Test("an enforced per-token budget answers 429 with the seconds left in the window; a daily limit lasts hours")
    func budgets() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(
            configuration: .init(rateLimitPerMinute: 3, enforcesRateLimit: true, historyPerService: 0), clock: clock)
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            for _ in 0..<3 { #expect(try await session.serviceMapping(token: token).status == 200) }
            clock.advance(by: .seconds(15))
            let refused = try await session.serviceMapping(token: token)
            #expect(refused.status == 429)
            #expect(refused.headers["Retry-After"].first == "45")
            clock.advance(by: .seconds(45))
            #expect(try await session.serviceMapping(token: token).status == 200)
            org.exhaustDailyLimit(retryAfterSeconds: 7200)
            let daily = try await session.serviceMapping(token: token)
            #expect(daily.status == 429)
            #expect(daily.headers["Retry-After"].first == "7200")
            #expect(daily.json?["limit"]?["key"]?.stringValue == "token.rate.per.day")
            clock.advance(by: .seconds(10))
            #expect(try await session.serviceMapping(token: token).status == 429)
            #expect(org.stats.requestsDuringRetryAfter == 1, "the request sent 10 s into the daily limit")
            clock.advance(by: .seconds(7190))
            #expect(try await session.serviceMapping(token: token).status == 200)
        }
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
