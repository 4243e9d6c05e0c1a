import RelayCore
import Testing

@testable import RelayAWS

@Suite struct PushRecordDecoderTests {
    let decoder = PushRecordDecoder(normalize: testNormalizer)
    let here = PushRecordLocation(index: 4, requestID: "req-9")

    func decode(_ text: String) -> DecodedPushRecord {
        decoder.decode(Array(text.utf8), at: here)
    }

    @Test func oneEventSeveralBackToBackOrOnePerLine() {
        #expect(decode(eventText("a")).events.count == 1)
        #expect(decode(eventText("a") + eventText("b")).events.count == 2)
        let lines = decode(eventText("a") + "\n\n" + eventText("b") + "\n")
        #expect(lines.events.count == 2)
        #expect(lines.failures.isEmpty)
    }

    @Test(arguments: [
        ("", PushRecordFailure.Code.empty, "records[4] (request req-9): empty record"),
        (" \n\t", .empty, "records[4] (request req-9): empty record"),
        ("[1,2]", .notAnObject, "records[4] (request req-9): a JSON array, not an event object"),
        (#"{"id":"x"}"#, .notNormalized, "records[4] (request req-9): detail.topicName is missing"),
        ("hello", .notJSON, "records[4] line 1 (request req-9): not a JSON event"),
    ])
    func eachBadRecordIsOneFailureNamingWhatAndWhere(text: String, code: PushRecordFailure.Code, reason: String) {
        let decoded = decode(text)
        #expect(decoded.events.isEmpty)
        #expect(decoded.failures.map(\.code) == [code])
        #expect(decoded.failures.first?.reason.hasPrefix(reason) == true, "\(decoded.failures)")
    }

    @Test func aBadPartCostsOnlyItselfAndKeepsItsRawText() {
        let broken = String(eventText("b").dropLast(3))
        let decoded = decode([eventText("a"), broken, "7", eventText("c")].joined(separator: "\n"))
        #expect(decoded.events.count == 2)
        #expect(decoded.failures.map(\.code) == [.notJSON, .notAnObject])
        #expect(decoded.failures.map(\.raw) == [broken, "7"])
        #expect(decoded.failures.first?.reason.hasPrefix("records[4] line 2 (request req-9): not a JSON event") == true)
        #expect(decoded.malformed.map(\.raw) == [broken, "7"])

        let concatenated = decode(eventText("a") + #"{"id":"y"}"#)
        #expect(
            concatenated.failures.map(\.reason) == ["records[4] event #1 (request req-9): detail.topicName is missing"])
        #expect(concatenated.failures.first?.raw == #"{"id":"y"}"#)
    }

    @Test func base64DataIsDecodedOrRefusedByName() {
        #expect(decoder.decode(base64: Base64.encode(Array(eventText("a").utf8)), at: here).events.count == 1)
        let missing = decoder.decode(base64: nil, at: here)
        #expect(missing.failures.map(\.code) == [.missingData])
        #expect(missing.failures.first?.reason == "records[4].data (request req-9): missing or not a string")
        let foreign = decoder.decode(base64: "ab*c", at: PushRecordLocation(index: 0))
        #expect(foreign.failures.map(\.reason) == ["records[0].data: not base64"])
        #expect(foreign.failures.first?.raw == "ab*c")
    }

    @Test func bytesThatAreNotUTF8AreKeptAsBase64() {
        let decoded = decoder.decode([0xFF, 0xFE, 0x41], at: PushRecordLocation())
        #expect(decoded.failures.map(\.code) == [.notJSON])
        #expect(decoded.failures.first?.raw == "base64:" + Base64.encode([0xFF, 0xFE, 0x41]))
        #expect(decoded.failures.first?.reason.hasPrefix("body line 1: not a JSON event") == true)
    }
}
