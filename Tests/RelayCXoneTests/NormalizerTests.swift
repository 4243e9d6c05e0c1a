import RelayCore
import Testing

@testable import RelayCXone

@Suite("CXone normalizer")
struct CXoneNormalizerTests {
    let campaign = CXoneNormalizer.Entity(
        kind: .campaigns, id: "1001", name: "Inbound Sales", businessUnitID: 4_600_123)

    func entry(date: String, id: JSONValue = 700_001) -> JSONValue {
        [
            "auditHistoryId": id, "columnName": "CampaignName", "date": .string(date), "modifiedBy": 9001,
            "modifiedByName": "Raj Kapoor", "oldValue": "Inbound Sales", "newValue": "Inbound Sales 2",
        ]
    }

    @Test("an audit entry maps to the common schema: type, actor, target, old and new value as column JSON")
    func auditFields() throws {
        let event = try CXoneNormalizer().normalizeAudit(entry(date: "2026-01-05T14:03:11.27Z"), entity: campaign)
        #expect(event.platform == .cxone)
        #expect(event.sourceKind == "audit")
        #expect(event.eventType == "CAMPAIGN_MODIFIED")
        #expect(event.actorID == "9001")
        #expect(event.actorName == "Raj Kapoor")
        #expect(event.targetID == "1001")
        #expect(event.targetType == "Campaign")
        #expect(event.oldValue == #"{"CampaignName":"Inbound Sales"}"#)
        #expect(event.newValue == #"{"CampaignName":"Inbound Sales 2"}"#)
        #expect(event.timestamp.iso8601 == "2026-01-05T14:03:11.270Z")
        #expect(event.attributes["column_name"] == "CampaignName")
        #expect(event.attributes["entity_name"] == "Inbound Sales")
        #expect(event.attributes["business_unit_id"] == 4_600_123)
        #expect(event.attributes["assumed_utc_offset"] == nil)
        #expect(event.eventID == EventID.make(platform: .cxone, nativeID: "audit/campaigns/1001/700001"))
    }

    @Test("a date without an offset is read in the configured zone, which is recorded; an explicit offset wins")
    func datesWithAndWithoutOffsets() throws {
        let utc = try CXoneNormalizer().normalizeAudit(entry(date: "2026-01-05T14:03:11.270"), entity: campaign)
        #expect(utc.timestamp.iso8601 == "2026-01-05T14:03:11.270Z")
        #expect(utc.attributes["assumed_utc_offset"] == "+00:00")

        let india = CXoneNormalizer(timezoneOffsetSeconds: 5 * 3600 + 1800)
        let local = try india.normalizeAudit(entry(date: "2026-01-05T14:03:11.270"), entity: campaign)
        #expect(local.timestamp.iso8601 == "2026-01-05T08:33:11.270Z")
        #expect(local.attributes["assumed_utc_offset"] == "+05:30")

        let explicit = try india.normalizeAudit(entry(date: "2026-01-05T14:03:11.270-05:00"), entity: campaign)
        #expect(explicit.timestamp.iso8601 == "2026-01-05T19:03:11.270Z")
        #expect(explicit.attributes["assumed_utc_offset"] == nil)
    }

    @Test("an invalid or missing date makes the entry malformed, naming the entity and the field")
    func strictDates() {
        for bad in ["2026-01-05 14:03:11", "2026-02-30T10:00:00", "05/01/2026 14:03", ""] {
            #expect(throws: RelayError.self) {
                try CXoneNormalizer().normalizeAudit(entry(date: bad), entity: campaign)
            }
        }
        do {
            _ = try CXoneNormalizer().normalizeAudit(["columnName": "Notes"], entity: campaign)
            Issue.record("an entry without a date was accepted")
        } catch {
            #expect(error.code == .malformedRecord)
            #expect(error.message.contains("campaigns 1001"))
            #expect(error.message.contains("date"))
        }
    }

    @Test("dispositions' auditHistoryID and script schedules without an id both give stable, distinct ids")
    func nativeIDs() throws {
        let normalizer = CXoneNormalizer()
        let disposition = CXoneNormalizer.Entity(kind: .dispositions, id: "2001")
        let withUpperID: JSONValue = [
            "auditHistoryID": 5, "columnName": "IsActive", "date": "2026-01-05T14:03:11", "oldValue": "True",
            "newValue": "False",
        ]
        let event = try normalizer.normalizeAudit(withUpperID, entity: disposition)
        #expect(event.eventID == EventID.make(platform: .cxone, nativeID: "audit/dispositions/2001/5"))
        #expect(event.eventType == "DISPOSITION_MODIFIED")

        let schedule = CXoneNormalizer.Entity(kind: .scriptSchedules, id: "3001")
        let first: JSONValue = [
            "columnName": "Status", "date": "2026-01-05T14:03:11.100", "oldValue": "Active", "newValue": "Inactive",
        ]
        let again = try normalizer.normalizeAudit(first, entity: schedule)
        #expect(try normalizer.normalizeAudit(first, entity: schedule).eventID == again.eventID)
        let other: JSONValue = [
            "columnName": "Status", "date": "2026-01-05T14:03:11.100", "oldValue": "Inactive", "newValue": "Active",
        ]
        #expect(try normalizer.normalizeAudit(other, entity: schedule).eventID != again.eventID)
        #expect(again.eventType == "SCRIPT_SCHEDULE_MODIFIED")
    }

    @Test("a login maps to AGENT_LOGIN with the agent as actor and the station as target")
    func login() throws {
        let agent = CXoneNormalizer.Agent(
            id: "10400", name: "Maya Reyes", userName: "maya.reyes@example", businessUnitID: 1)
        let entry: JSONValue = [
            "loginDate": "2026-01-05T08:00:00.5", "stationId": 5001, "stationName": "Station 101",
            "stationCallerId": "5551001000", "stationPhoneNumber": "5552001000",
        ]
        let event = try CXoneNormalizer(timezoneOffsetSeconds: -5 * 3600).normalizeLogin(entry, agent: agent)
        #expect(event.eventType == "AGENT_LOGIN")
        #expect(event.actorID == "10400")
        #expect(event.actorName == "Maya Reyes")
        #expect(event.targetID == "5001")
        #expect(event.targetType == "Station")
        #expect(event.timestamp.iso8601 == "2026-01-05T13:00:00.500Z")
        #expect(event.attributes["stationName"] == "Station 101")
        #expect(event.attributes["agent_user_name"] == "maya.reyes@example")
        #expect(event.attributes["assumed_utc_offset"] == "-05:00")
        #expect(event.eventID == EventID.make(platform: .cxone, nativeID: "login/10400/2026-01-05T08:00:00.5/5001"))
    }

    @Test("configured offsets parse strictly")
    func offsets() {
        #expect(CXoneAuditSourceConfiguration.parseOffset("Z") == 0)
        #expect(CXoneAuditSourceConfiguration.parseOffset("UTC") == 0)
        #expect(CXoneAuditSourceConfiguration.parseOffset("+05:30") == 19_800)
        #expect(CXoneAuditSourceConfiguration.parseOffset("-0800") == -28_800)
        #expect(CXoneAuditSourceConfiguration.parseOffset("+02") == 7200)
        for bad in ["5:30", "+5:30", "+24:00", "+05:60", "EST", "+05::30", ""] {
            #expect(CXoneAuditSourceConfiguration.parseOffset(bad) == nil)
        }
        #expect(CXoneAuditSourceConfiguration.formatOffset(-19_800) == "-05:30")
    }
}
