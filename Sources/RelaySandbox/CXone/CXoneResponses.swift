import RelayCore

/// JSON shapes of list items and audit-history entries, per NICE's published OpenAPI: the names
/// differ between kinds (`dispositionId`, `stationProfileName`, `auditHistoryID`, ...).
extension CXoneTenantEmulator {
    static func listItem(kind: CXoneSandboxEntityKind, id: Int, stored: StoredEntity, style: CXoneDateStyle)
        -> JSONValue
    {
        let number = JSONValue.number(JSONNumber(id))
        let name = JSONValue.string(stored.name)
        let updated = JSONValue.string(CXoneWire.format(stored.lastUpdated, style))
        switch kind {
        case .campaigns:
            return ["id": number, "name": name, "isActive": true, "lastUpdateTime": updated, "notes": ""]
        case .dispositions:
            return [
                "dispositionId": number, "dispositionName": name, "notes": "", "lastUpdated": updated,
                "classificationId": 1, "systemOutcome": "Resolved", "isPreviewDisposition": false, "isActive": true,
            ]
        case .scriptSchedules:
            return ["id": number, "name": name, "scheduleType": 1, "state": 1, "status": true, "lastRunTime": updated]
        case .stationProfiles:
            return ["stationProfileId": number, "stationProfileName": name, "stationTimeout": 30]
        case .stations:
            return [
                "id": number, "name": name, "isActive": true, "phoneNumber": .string("555100\(id % 10_000)"),
                "callerId": "5551000000", "stationProfileId": 301, "stationProfileName": "Default Softphone",
            ]
        case .unavailableCodes:
            return ["id": number, "name": name, "isActive": true, "isACW": false, "agentTimeout": 120]
        }
    }

    static func historyEntry(_ stored: StoredChange, kind: CXoneSandboxEntityKind) -> JSONValue {
        var entry = JSONObject()
        if let auditID = stored.change.auditHistoryID {
            let key = [.campaigns, .stations].contains(kind) ? "auditHistoryId" : "auditHistoryID"
            entry[key] = .number(JSONNumber(auditID))
        }
        entry["columnName"] = .string(stored.change.columnName)
        entry["date"] = .string(stored.change.date)
        entry["modifiedBy"] = .number(JSONNumber(stored.modifiedBy.id))
        entry["modifiedByName"] = .string(stored.modifiedBy.fullName)
        entry["oldValue"] = .string(stored.change.oldValue)
        entry["newValue"] = .string(stored.change.newValue)
        return .object(entry)
    }
}
