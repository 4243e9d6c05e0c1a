import RelayCore
import RelaySandbox
import Testing

@Suite("Webhook receiver emulator")
struct WebhookReceiverTests {
    @Test("records JSON posts with their path, in order")
    func recordsPosts() async throws {
        let receiver = WebhookReceiver()
        try await Sandbox.withRunning(webhook: receiver, logger: TestHTTP.logger) { url in
            let first = try await TestHTTP.postJSON(url + "/hooks/ops", ["alert": "dead_letters", "state": "firing"])
            let second = try await TestHTTP.postJSON(url + "/services/T0/B0/secret", ["text": "hello"])
            #expect(first.status == 200)
            #expect(second.status == 200)
        }
        let posts = receiver.posts
        #expect(posts.map(\.path) == ["/hooks/ops", "/services/T0/B0/secret"])
        #expect(posts[0].json["alert"] == "dead_letters")
        #expect(posts[1].json["text"] == "hello")
        #expect(posts[0].contentType?.hasPrefix("application/json") == true)
        #expect(receiver.attempts == 2)
    }

    @Test("answers the configured success status (PagerDuty's 202)")
    func successStatus() async throws {
        let receiver = WebhookReceiver(successStatus: 202)
        let status = try await Sandbox.withRunning(webhook: receiver, logger: TestHTTP.logger) { url in
            try await TestHTTP.postJSON(url + "/v2/enqueue", ["event_action": "trigger"]).status
        }
        #expect(status == 202)
        #expect(receiver.posts.count == 1)
    }

    @Test("fails queued posts on demand, then accepts again; failed posts are counted, not recorded")
    func queuedFailures() async throws {
        let receiver = WebhookReceiver()
        receiver.failNext([.status(503), .status(429)])
        let statuses = try await Sandbox.withRunning(webhook: receiver, logger: TestHTTP.logger) { url in
            var statuses: [Int] = []
            for index in 0..<3 {
                statuses.append(try await TestHTTP.postJSON(url + "/hook", ["n": .number(JSONNumber(index))]).status)
            }
            return statuses
        }
        #expect(statuses == [503, 429, 200])
        #expect(receiver.posts.map { $0.json["n"] } == [2])
        #expect(receiver.attempts == 3)
    }

    @Test("fails every post while told to, and drops connections on demand")
    func persistentFailureAndDrop() async throws {
        let receiver = WebhookReceiver()
        let statuses = try await Sandbox.withRunning(webhook: receiver, logger: TestHTTP.logger) { url in
            receiver.failAll(.status(500))
            let first = try await TestHTTP.postJSON(url + "/hook", ["a": 1]).status
            let second = try await TestHTTP.postJSON(url + "/hook", ["a": 2]).status
            receiver.failAll(nil)
            receiver.failNext([.dropConnection])
            let dropped = (try? await TestHTTP.postJSON(url + "/hook", ["a": 3])) == nil
            let last = try await TestHTTP.postJSON(url + "/hook", ["a": 4]).status
            return [first, second, dropped ? -1 : 0, last]
        }
        #expect(statuses == [500, 500, -1, 200])
        #expect(receiver.posts.map { $0.json["a"] } == [4])
        #expect(receiver.attempts == 4)
    }

    @Test("a body that is not JSON is answered 400 and not recorded")
    func notJSON() async throws {
        let receiver = WebhookReceiver()
        let status = try await Sandbox.withRunning(webhook: receiver, logger: TestHTTP.logger) { url in
            try await TestHTTP.send(.POST, url + "/hook", body: Array("not json".utf8)).status
        }
        #expect(status == 400)
        #expect(receiver.posts.isEmpty)
    }

    @Test("waitForPosts returns once enough posts arrived")
    func waitForPosts() async throws {
        let receiver = WebhookReceiver()
        try await Sandbox.withRunning(webhook: receiver, logger: TestHTTP.logger) { url in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await receiver.waitForPosts(count: 2) }
                _ = try await TestHTTP.postJSON(url + "/a", ["x": 1])
                _ = try await TestHTTP.postJSON(url + "/b", ["x": 2])
                try await group.waitForAll()
            }
        }
        #expect(receiver.posts.count == 2)
    }
}
