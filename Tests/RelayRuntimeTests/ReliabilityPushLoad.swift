import Foundation
import RelayCore
import RelayHTTP
import RelaySandbox
import Synchronization

/// Firehose-shaped push load for the reliability suite: requests of EventBridge events POSTed to
/// ccrelay's receiver the way Firehose does (same request id on every retry, only 200 counts),
/// retried with a short doubling backoff while ccrelay is down or refuses. The receiver URL is
/// looked up before every attempt, because a restarted ccrelay listens on a new port; the request
/// timeout is short (3 s) because AsyncHTTPClient keeps retrying a refused connection until the
/// request's deadline.
final class PushLoad: Sendable {
    struct Tally: Sendable {
        var generated: [String] = []
        var acknowledged: [String] = []
        /// Requests answered 200.
        var accepted = 0
        /// Attempts answered with another status, with the last such answer.
        var refused = 0
        var lastRefusal = ""
        /// Attempts that failed in transport (ccrelay down).
        var unreachable = 0
        /// Attempts while no URL was known.
        var waiting = 0
    }

    static let accessKey = "reliability-firehose-key"

    private let url = Mutex<String?>(nil)
    private let tally = Mutex(Tally())
    private let transport = HTTPTransport()
    private let eventsPerRequest: Int

    init(eventsPerRequest: Int) {
        self.eventsPerRequest = eventsPerRequest
    }

    /// Where requests go from now on (nil: ccrelay is down, hold on).
    func target(_ receiverURL: String?) {
        url.withLock { $0 = receiverURL }
    }

    var snapshot: Tally { tally.withLock { $0 } }

    private let stopped = Mutex(false)

    /// Ends ``run(seed:)`` once its request in flight is acknowledged.
    func stop() {
        stopped.withLock { $0 = true }
    }

    /// Sends requests one after the other, each until it is answered 200, until ``stop()``.
    func run(seed: UInt64) async throws {
        var generator = GenesysEventBridgeGenerator(seed: seed)
        while !stopped.withLock({ $0 }) {
            let events = generator.generate(count: eventsPerRequest, start: SystemClock().now.timestamp)
            tally.withLock { $0.generated += events.map(\.eventID) }
            try await deliver(events, requestID: UUID().uuidString.lowercased())
        }
    }

    private func deliver(_ events: [GeneratedPushEvent], requestID: String) async throws {
        let body = JSONWriter.encode([
            "requestId": .string(requestID),
            "timestamp": .number(JSONNumber(SystemClock().now.timestamp.millisecondsSinceEpoch)),
            "records": .array(events.map { ["data": .string(Base64.encode($0.text))] }),
        ])
        let compressed = Gzip.compress(body, level: .standard)
        var backoff = Duration.milliseconds(20)
        while true {
            try Task.checkCancellation()
            if let base = url.withLock({ $0 }) {
                let request = OutboundRequest(
                    method: "POST", url: base + "/firehose",
                    headers: [
                        ("Content-Type", "application/json"), ("Content-Encoding", "gzip"),
                        ("X-Amz-Firehose-Protocol-Version", "1.0"), ("X-Amz-Firehose-Request-Id", requestID),
                        ("X-Amz-Firehose-Access-Key", Self.accessKey),
                    ],
                    body: compressed, timeout: .seconds(3))
                do {
                    let response = try await transport.send(request)
                    if response.status == 200 {
                        tally.withLock {
                            $0.accepted += 1
                            $0.acknowledged += events.map(\.eventID)
                        }
                        return
                    }
                    tally.withLock {
                        $0.refused += 1
                        $0.lastRefusal = "\(response.status) \(response.bodySnippet())"
                    }
                } catch {
                    tally.withLock { $0.unreachable += 1 }
                }
            } else {
                tally.withLock { $0.waiting += 1 }
            }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .milliseconds(320))
        }
    }
}
