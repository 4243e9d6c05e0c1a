import RelayCore
import RelaySandbox
import RelayTesting
import Testing

/// A fresh org holds a seeded 30-day history, as a real org does: the asynchronous query pages
/// through it by cursor, the realtime query sees only its last 14 days.
@Suite("Genesys org emulator: seeded 30-day history", .timeLimit(.minutes(1)))
struct GenesysHistoryTests {
    static let base = "/api/v2/audits/query"
    static let day = Duration.seconds(86_400)

    func interval(_ from: WallInstant, _ to: WallInstant) -> String {
        from.timestamp.iso8601 + "/" + to.timestamp.iso8601
    }

    /// Submits an asynchronous query, polls it to its end, and reads every results page.
    func asyncResults(url: String, token: String, interval: String, service: String) async throws -> (
        records: [JSONValue], pages: Int
    ) {
        let auth = [("Authorization", "Bearer \(token)")]
        let body: JSONValue = ["interval": .string(interval), "serviceName": .string(service)]
        let submitted = try await TestHTTP.postJSON(url + Self.base, body, headers: auth)
        let id = try #require(submitted.json?["id"]?.stringValue)
        var state = ""
        while state != "Succeeded" {
            state =
                try await TestHTTP.send(.GET, url + Self.base + "/\(id)", headers: auth).json?["state"]?
                .stringValue ?? "none"
            #expect(["Queued", "Running", "Succeeded"].contains(state))
        }
        var records: [JSONValue] = []
        var cursor: String?
        var pages = 0
        repeat {
            let query = "?pageSize=500" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await TestHTTP.send(.GET, url + Self.base + "/\(id)/results" + query, headers: auth)
            #expect(page.status == 200)
            records += page.json?["entities"]?.arrayValue ?? []
            cursor = page.json?["cursor"]?.stringValue
            pages += 1
        } while cursor != nil
        return (records, pages)
    }

    @Test("the asynchronous query pages by cursor through 30 days of realistic records")
    func asyncQueryPagesThroughTheHistory() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(configuration: .init(services: ["Routing", "Presence"]), clock: clock)
        let now = clock.now
        let monthAgo = now.advanced(by: Self.day * -30)
        let expected = org.historyIDs(from: monthAgo.timestamp, to: now.timestamp, serviceName: "Routing")
        #expect(expected.count == 3000)
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let token = try await GenesysTestSession(baseURL: url).token()
            let (records, pages) = try await asyncResults(
                url: url, token: token, interval: interval(monthAgo, now), service: "Routing")
            #expect(pages == 6)
            #expect(records.compactMap { $0["id"]?.stringValue } == expected)
            #expect(records.allSatisfy { $0["serviceName"] == "Routing" })
            let dates = records.compactMap { $0["eventDate"]?.stringValue }
            #expect(dates.count == 3000)
            #expect(dates.contains { !$0.contains(".") && $0.hasSuffix("Z") }, "some eventDates carry no fraction")
            #expect(dates.contains { $0.contains(".") })
            #expect(records.contains { $0["client"] == ["id": ""] })
            #expect(records.contains { $0["initiatingAction"] == [:] })
            let parsed = try dates.map { try Timestamp.parseISO8601($0) }
            #expect(parsed.allSatisfy { $0 >= monthAgo.timestamp && $0 < now.timestamp })
            #expect(Set(parsed.map { $0.millisecondsSinceEpoch / 86_400_000 }).count >= 30, "spread over the month")
        }
    }

    @Test("the realtime query serves the last 14 days of the history and refuses an interval reaching further")
    func realtimeSeesOnlyTheRetention() async throws {
        let clock = ManualClock()
        let org = GenesysOrgEmulator(configuration: .init(services: ["Routing"]), clock: clock)
        let now = clock.now
        let inside = now.advanced(by: Self.day * -14).advanced(by: .seconds(60))
        let expected = org.historyIDs(from: inside.timestamp, to: now.timestamp, serviceName: "Routing")
        #expect((1300...1500).contains(expected.count))
        try await Sandbox.withRunning(genesys: org, logger: TestHTTP.logger) { url in
            let session = GenesysTestSession(baseURL: url)
            let token = try await session.token()
            let records = try await session.allPages(
                token: token, GenesysTestSession.query(interval: interval(inside, now), pageSize: 500))
            #expect(records.compactMap { $0["id"]?.stringValue } == expected)
            let further = now.advanced(by: Self.day * -15)
            let refused = try await session.realtime(
                token: token, GenesysTestSession.query(interval: interval(further, now), pageSize: 500))
            #expect(refused.status == 400)
            #expect(refused.json?["code"]?.stringValue == "bad.request")
        }
    }

    @Test("the history is the same for a seed whatever is read first, differs across seeds, and is empty at 0")
    func deterministicAndOptional() {
        let clock = ManualClock()
        let now = clock.now
        let monthAgo = now.advanced(by: Self.day * -30).timestamp
        let services = ["Routing", "Presence"]
        let first = GenesysOrgEmulator(configuration: .init(services: services, seed: 7), clock: clock)
        let recent = first.historyIDs(from: now.advanced(by: Self.day * -2).timestamp, to: now.timestamp)
        let whole = first.historyIDs(from: monthAgo, to: now.timestamp)
        #expect(whole.count == 3000 * services.count)
        #expect(Set(whole).count == whole.count)
        #expect(whole.suffix(recent.count) == recent[...])
        let second = GenesysOrgEmulator(configuration: .init(services: services, seed: 7), clock: clock)
        #expect(second.historyIDs(from: monthAgo, to: now.timestamp) == whole)
        let other = GenesysOrgEmulator(configuration: .init(services: services, seed: 8), clock: clock)
        #expect(other.historyIDs(from: monthAgo, to: now.timestamp) != whole)
        let empty = GenesysOrgEmulator(configuration: .init(historyPerService: 0), clock: clock)
        #expect(empty.historyIDs(from: monthAgo, to: now.timestamp).isEmpty)
        #expect(first.generatedIDs.isEmpty, "the history is not counted as generated")
    }
}
