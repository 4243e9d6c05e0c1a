/// The CXone admin entities whose changes have an `audit-history` endpoint, with the wire names
/// that differ between them (as NICE's published OpenAPI has them).
///
/// The list endpoints (`GET /inContactAPI/services/v34.0/{path}`) take `updatedSince`, so only
/// changed entities need a history call. Where a list item carries its own change time
/// (`lastUpdateTime`, `lastUpdated`) an item older than the window is skipped as well, so a tenant
/// that ignores the filter costs calls, not correctness.
public enum CXoneEntityKind: String, Sendable, CaseIterable, Hashable {
    case campaigns
    case dispositions
    case scriptSchedules = "script-schedules"
    case stationProfiles = "station-profiles"
    case stations
    case unavailableCodes = "unavailable-codes"

    /// The path segment and configuration value, e.g. `script-schedules`; also the partition name.
    public var path: String { rawValue }

    /// The member of the list response holding the entities.
    public var listKey: String {
        switch self {
        case .campaigns: "campaigns"
        case .dispositions: "dispositions"
        case .scriptSchedules: "scriptSchedules"
        case .stationProfiles: "stationProfiles"
        case .stations: "stations"
        case .unavailableCodes: "unavailableCodes"
        }
    }

    /// The id member of a list item.
    public var idKey: String {
        switch self {
        case .dispositions: "dispositionId"
        case .stationProfiles: "stationProfileId"
        default: "id"
        }
    }

    /// The name member of a list item.
    public var nameKey: String {
        switch self {
        case .dispositions: "dispositionName"
        case .stationProfiles: "stationProfileName"
        default: "name"
        }
    }

    /// The list item's own last-change time, when the API documents one.
    public var changedKey: String? {
        switch self {
        case .campaigns: "lastUpdateTime"
        case .dispositions: "lastUpdated"
        default: nil
        }
    }

    /// The member of the `audit-history` response holding the entries (dispositions differ).
    public var historyKey: String {
        self == .dispositions ? "auditHistoryRecords" : "auditHistoryEntries"
    }

    /// Whether NICE's API declares `searchString` required on this kind's list or history call;
    /// the source then sends it empty.
    public var requiresSearchString: Bool {
        switch self {
        case .scriptSchedules, .stationProfiles, .unavailableCodes: true
        default: false
        }
    }

    /// `target_type` of the events: `Campaign`, `ScriptSchedule`, ...
    public var targetType: String {
        switch self {
        case .campaigns: "Campaign"
        case .dispositions: "Disposition"
        case .scriptSchedules: "ScriptSchedule"
        case .stationProfiles: "StationProfile"
        case .stations: "Station"
        case .unavailableCodes: "UnavailableCode"
        }
    }

    /// `event_type` of a column change: `CAMPAIGN_MODIFIED`, `SCRIPT_SCHEDULE_MODIFIED`, ...
    public var modifiedEventType: String {
        switch self {
        case .campaigns: "CAMPAIGN_MODIFIED"
        case .dispositions: "DISPOSITION_MODIFIED"
        case .scriptSchedules: "SCRIPT_SCHEDULE_MODIFIED"
        case .stationProfiles: "STATION_PROFILE_MODIFIED"
        case .stations: "STATION_MODIFIED"
        case .unavailableCodes: "UNAVAILABLE_CODE_MODIFIED"
        }
    }

    /// The audit entry's native id: `auditHistoryId` (campaigns, stations) or `auditHistoryID`
    /// (the others); script schedules document none.
    public static let auditIDKeys = ["auditHistoryId", "auditHistoryID"]
}
