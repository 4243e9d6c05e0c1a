import RelayCore
import Testing

@testable import RelayCXone

/// Rules on normalized fields cover the entry a CXone event keeps in `raw`.
@Suite("CXone raw redaction")
struct CXoneRawRedactionTests {
    let redactor = Redactor(
        rules: [
            RedactionRule(path: "actor_name", action: .hash), RedactionRule(path: "old_value", action: .hash),
            RedactionRule(path: "new_value", action: .drop), RedactionRule(path: "target_id", action: .hash),
        ],
        key: Array("0123456789abcdef0123456789abcdef".utf8))

    @Test("an audit entry kept raw: modifiedByName and oldValue hashed, newValue dropped")
    func auditRaw() throws {
        let entry: JSONValue = [
            "auditHistoryId": 1, "columnName": "Phone", "date": "2026-01-05T14:03:11Z", "modifiedBy": 9001,
            "modifiedByName": "Raj Secret", "oldValue": "+15551230021", "newValue": "+15551230022",
        ]
        let entity = CXoneNormalizer.Entity(kind: .campaigns, id: "1001")
        var event = try CXoneNormalizer(keepRaw: true).normalizeAudit(entry, entity: entity)
        redactor.apply(to: &event)
        let text = String(decoding: event.encoded(), as: UTF8.self)
        for secret in ["Raj Secret", "+15551230021", "+15551230022"] { #expect(!text.contains(secret)) }
        #expect(event.raw?["newValue"] == nil)
        #expect(event.raw?["columnName"] == "Phone")
    }

    @Test("a login entry kept raw: the station id is hashed where it came from")
    func loginRaw() throws {
        let entry: JSONValue = [
            "loginDate": "2026-01-05T14:03:11Z", "stationId": "station-secret", "stationName": "desk",
        ]
        var event = try CXoneNormalizer(keepRaw: true).normalizeLogin(entry, agent: .init(id: "a-1"))
        redactor.apply(to: &event)
        #expect(!String(decoding: event.encoded(), as: UTF8.self).contains("station-secret"))
    }
}
