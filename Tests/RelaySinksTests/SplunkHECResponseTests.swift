import RelayCore
import RelayHTTP
import RelaySinks
import Testing

@Suite("SplunkHECResponse")
struct SplunkHECResponseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let status: Int
        let code: Int?
        let retryAfter: String?
        let expected: Fate
        var testDescription: String {
            "HTTP \(status)" + (code.map { " code \($0)" } ?? "") + (retryAfter.map { " Retry-After \($0)" } ?? "")
        }

        init(_ status: Int, code: Int?, retryAfter: String? = nil, _ expected: Fate) {
            self.status = status
            self.code = code
            self.retryAfter = retryAfter
            self.expected = expected
        }

        var response: InboundResponse {
            let body =
                code.map { Array(#"{"text":"Some text","code":\#($0)}"#.utf8) } ?? Array("<html>oops</html>".utf8)
            return InboundResponse(
                status: status, headers: retryAfter.map { [("Retry-After", $0)] } ?? [], body: body
            )
        }
    }

    static let cases: [Case] = [
        // Success.
        Case(200, code: 0, .delivered),
        Case(200, code: nil, .retriable(retryAfter: nil)),
        // Busy / unhealthy: HEC is unavailable; retried without using up attempts, honouring Retry-After.
        Case(503, code: 9, .unavailable(retryAfter: nil)),
        Case(503, code: 9, retryAfter: "7", .unavailable(retryAfter: .seconds(7))),
        Case(503, code: 18, retryAfter: "3", .unavailable(retryAfter: .seconds(3))),
        Case(503, code: 19, .unavailable(retryAfter: nil)),
        Case(503, code: 20, retryAfter: "11", .unavailable(retryAfter: .seconds(11))),
        Case(503, code: nil, .unavailable(retryAfter: nil)),
        Case(503, code: nil, retryAfter: "30", .unavailable(retryAfter: .seconds(30))),
        // Credentials: retriable for now (an operator can fix the token without losing data).
        Case(403, code: 1, .credentialRejected),
        Case(401, code: 2, .credentialRejected),
        Case(401, code: 3, .credentialRejected),
        Case(403, code: 4, .credentialRejected),
        // The batch itself is bad: permanent.
        Case(400, code: 5, .rejected),
        Case(400, code: 6, .poisoned(index: nil)),
        Case(400, code: 12, .poisoned(index: nil)),
        Case(400, code: 13, .poisoned(index: nil)),
        Case(400, code: 7, .rejected),
        Case(400, code: 10, .rejected),
        Case(400, code: 15, .poisoned(index: nil)),
        Case(400, code: 16, .rejected),
        // Internal error and plain HTTP failures worth retrying.
        Case(500, code: 8, .retriable(retryAfter: nil)),
        Case(500, code: nil, .retriable(retryAfter: nil)),
        Case(502, code: nil, retryAfter: "5", .unavailable(retryAfter: .seconds(5))),
        Case(504, code: nil, .unavailable(retryAfter: nil)),
        Case(408, code: nil, .retriable(retryAfter: nil)),
        Case(429, code: nil, retryAfter: "12", .unavailable(retryAfter: .seconds(12))),
        Case(429, code: nil, retryAfter: " 4 ", .unavailable(retryAfter: .seconds(4))),
        Case(429, code: nil, retryAfter: "soon", .unavailable(retryAfter: nil)),
        // Other 4xx: permanent.
        Case(400, code: nil, .rejected),
        Case(404, code: nil, .rejected),
        Case(413, code: nil, .rejected),
    ]

    @Test("each HEC code and HTTP status has the documented fate", arguments: cases)
    func outcome(_ testCase: Case) {
        let outcome = SplunkHECResponse.outcome(for: testCase.response, index: "ccas")
        #expect(Fate(outcome) == testCase.expected)
        if let code = testCase.code, code != 0 {
            #expect(outcome.reason.contains("code \(code)"), "\(outcome.reason)")
        }
        if testCase.code == nil {
            #expect(outcome.reason.contains("\(testCase.status)"), "\(outcome.reason)")
            #expect(outcome.reason.contains("oops"), "the body is quoted: \(outcome.reason)")
        }
    }

    @Test("credential failures say the token was rejected")
    func credentialReason() {
        for (status, code) in [(403, 1), (401, 2), (401, 3), (403, 4)] {
            let response = InboundResponse(
                status: status, headers: [], body: Array(#"{"text":"Invalid token","code":\#(code)}"#.utf8)
            )
            #expect(SplunkHECResponse.outcome(for: response, index: nil).reason.contains("token"))
        }
    }

    @Test("an incorrect index is rejected naming the index")
    func incorrectIndex() {
        let response = InboundResponse(
            status: 400, headers: [], body: Array(#"{"text":"Incorrect index","code":7,"invalid-event-number":0}"#.utf8)
        )
        let named = SplunkHECResponse.outcome(for: response, index: "secret_index")
        #expect(Fate(named) == .rejected)
        #expect(named.reason.contains("\"secret_index\""))
        #expect(named.reason.contains("code 7"))
        let defaulted = SplunkHECResponse.outcome(for: response, index: nil)
        #expect(defaulted.reason.contains("token default"))
    }

    @Test("the outcome follows code, never text")
    func matchesOnCode() {
        let misleading = InboundResponse(status: 503, headers: [], body: Array(#"{"text":"Success","code":9}"#.utf8))
        #expect(Fate(SplunkHECResponse.outcome(for: misleading, index: nil)) == .unavailable(retryAfter: nil))
        let acked = InboundResponse(
            status: 200, headers: [], body: Array(#"{"text":"anything","code":0,"ackId":7}"#.utf8))
        #expect(
            SplunkHECResponse.outcome(for: acked, index: nil, endpoint: 1)
                == .awaitingAcknowledgement(AckToken(group: 1, id: 7)))
        let poisoned = InboundResponse(
            status: 400, headers: [],
            body: Array(#"{"text":"Event field is required","code":12,"invalid-event-number":4}"#.utf8))
        #expect(Fate(SplunkHECResponse.outcome(for: poisoned, index: nil)) == .poisoned(index: 4))
    }

    @Test("parse reads code, text and invalid-event-number; non-HEC bodies are nil")
    func parse() throws {
        let parsed = try #require(
            SplunkHECResponse.parse(Array(#"{"text":"Invalid data format","code":6,"invalid-event-number":3}"#.utf8))
        )
        #expect(parsed.code == 6)
        #expect(parsed.text == "Invalid data format")
        #expect(parsed.invalidEventNumber == 3)
        #expect(SplunkHECResponse.parse(Array(#"{"text":"Success","code":0}"#.utf8))?.invalidEventNumber == nil)
        #expect(SplunkHECResponse.parse(Array("<html>".utf8)) == nil)
        #expect(SplunkHECResponse.parse(Array(#"{"text":"no code"}"#.utf8)) == nil)
        #expect(SplunkHECResponse.parse([]) == nil)
    }
}
