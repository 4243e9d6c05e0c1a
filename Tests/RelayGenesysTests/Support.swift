import RelayCore
import RelayHTTP
import RelayTesting
import Synchronization

@testable import RelayGenesys

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
