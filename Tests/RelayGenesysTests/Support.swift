import RelayCore
import RelayHTTP
import Synchronization

@testable import RelayGenesys

/// An in-memory ``IntakeSink``: checkpoints per partition, every commit recorded, duplicates by event id.
actor InMemoryIntake: IntakeSink {
    struct Commit: Sendable {
        var partition: String
        var events: [Event]
        var malformed: [MalformedRecord]
        var checkpoint: String?
    }

    private(set) var checkpoints: [String: String] = [:]
    private(set) var commits: [Commit] = []
    private(set) var eventsByID: [String: Event] = [:]
    private(set) var malformed: [MalformedRecord] = []

    /// Called after each commit with the number of commits so far (to inject faults mid-cycle).
    private let onCommit: (@Sendable (Int) -> Void)?

    init(checkpoints: [String: String] = [:], onCommit: (@Sendable (Int) -> Void)? = nil) {
        self.checkpoints = checkpoints
        self.onCommit = onCommit
    }

    var eventIDs: Set<String> { Set(eventsByID.keys) }

    func checkpoint(partition: String) async throws -> String? {
        checkpoints[partition]
    }

    @discardableResult
    func commit(partition: String, events: [Event], malformed: [MalformedRecord], checkpoint: String?) async throws
        -> AppendResult
    {
        commits.append(Commit(partition: partition, events: events, malformed: malformed, checkpoint: checkpoint))
        if let checkpoint { checkpoints[partition] = checkpoint }
        var result = AppendResult(deadLettered: malformed.count)
        for event in events {
            if eventsByID.updateValue(event, forKey: event.eventID) == nil {
                result.accepted += 1
            } else {
                result.duplicates += 1
            }
        }
        self.malformed += malformed
        onCommit?(commits.count)
        return result
    }
}

/// A scripted HTTP peer: answers every request with `handler` and records what was sent.
final class FakeHTTP: Sendable {
    private let requests = Mutex<[OutboundRequest]>([])
    private let handler: @Sendable (OutboundRequest, Int) -> InboundResponse

    /// `handler` receives the request and its zero-based position among all requests.
    init(handler: @escaping @Sendable (OutboundRequest, Int) -> InboundResponse) {
        self.handler = handler
    }

    var sent: [OutboundRequest] { requests.withLock { $0 } }

    var send: GenesysSend {
        { request throws(RelayError) in
            let index = self.requests.withLock { requests in
                requests.append(request)
                return requests.count - 1
            }
            return self.handler(request, index)
        }
    }
}

func jsonResponse(_ status: Int, _ body: String, headers: [(name: String, value: String)] = []) -> InboundResponse {
    InboundResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(body.utf8))
}

func parse(_ text: String) -> JSONValue {
    try! JSONParser.parse(text)
}

extension OutboundRequest {
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var path: String {
        let afterScheme = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // "https:", "", "host", "rest"
        return afterScheme.count == 4 ? "/" + afterScheme[3] : url
    }

    var jsonBody: JSONValue? {
        body.flatMap { try? JSONParser.parse($0) }
    }
}
