import RelayCore

/// Turns CXone audit-history entries and agent login-history entries into ccrelay ``Event``s.
/// Pure: no I/O, no clock.
///
/// CXone dates are parsed strictly; many are written without a UTC offset (`2026-01-05T14:03:11.27`).
/// Those are read in the configured zone (`timezone_offset`, default UTC) and the event's attributes
/// record it as `assumed_utc_offset` (`+00:00`). A date with `Z` or an offset is taken as written.
///
/// Audit entry → event:
/// * `event_id` from platform + `audit/{kind}/{entityId}/{auditHistoryId}`; kinds without an entry
///   id (script schedules) use `{date}/{columnName}/{oldValue}/{newValue}` in its place.
/// * `event_type` = `{KIND}_MODIFIED` (`CAMPAIGN_MODIFIED`), `target_id` = the entity id,
///   `target_type` = `Campaign`, ...; actor = `modifiedBy` / `modifiedByName`.
/// * `old_value` / `new_value` = `{"<columnName>": oldValue}` / `{"<columnName>": newValue}` as
///   compact JSON, each present when the entry has that member.
/// * attributes: `column_name`, `entity_kind`, `entity_name`, `business_unit_id`, the native id,
///   and every other member of the entry under its own name.
///
/// Login entry → event `AGENT_LOGIN`: actor = the agent (`agentId`, name), target = the station
/// (`stationId`, `Station`), `event_id` from `login/{agentId}/{loginDate}/{stationId or stationName}`,
/// attributes: every member except those mapped, plus `agent_user_name`, `business_unit_id`.
public struct CXoneNormalizer: Sendable {
    /// The offset, in seconds, applied to dates written without one. Default 0.
    public var timezoneOffsetSeconds: Int
    /// Keep the original entry in ``Event/raw``. Default `false`.
    public var keepRaw: Bool

    public init(timezoneOffsetSeconds: Int = 0, keepRaw: Bool = false) {
        self.timezoneOffsetSeconds = timezoneOffsetSeconds
        self.keepRaw = keepRaw
    }

    /// The entity an audit-history page belongs to.
    public struct Entity: Sendable, Equatable {
        public var kind: CXoneEntityKind
        public var id: String
        public var name: String?
        public var businessUnitID: JSONValue?

        public init(kind: CXoneEntityKind, id: String, name: String? = nil, businessUnitID: JSONValue? = nil) {
            self.kind = kind
            self.id = id
            self.name = name
            self.businessUnitID = businessUnitID
        }
    }

    /// The agent a login-history page belongs to.
    public struct Agent: Sendable, Equatable {
        public var id: String
        public var name: String?
        public var userName: String?
        public var businessUnitID: JSONValue?

        public init(id: String, name: String? = nil, userName: String? = nil, businessUnitID: JSONValue? = nil) {
            self.id = id
            self.name = name
            self.userName = userName
            self.businessUnitID = businessUnitID
        }
    }

    /// Normalizes one element of `auditHistoryEntries` (`auditHistoryRecords` for dispositions).
    /// - Throws: `RelayError(.malformedRecord)` when the entry is not an object or its `date` is
    ///   missing or not a valid date.
    public func normalizeAudit(_ entry: JSONValue, entity: Entity) throws(RelayError) -> Event {
        guard case .object(let object) = entry else {
            throw RelayError(
                .malformedRecord,
                "\(entity.kind.path) \(entity.id): the audit entry is a JSON \(entry.kindName), not an object")
        }
        let label = "\(entity.kind.path) \(entity.id) audit entry"
        let (timestamp, assumed) = try date(object["date"], field: "date", label: label)
        var nativeID: String?
        var column: String?
        var actorID: String?
        var actorName: String?
        var attributes = JSONObject()
        for member in object {
            switch member.key {
            case "date", "oldValue", "newValue":
                continue
            case "columnName":
                column = member.value.stringValue
                attributes.append(key: "column_name", value: member.value)
            case "modifiedBy":
                actorID = Self.text(member.value)
            case "modifiedByName":
                actorName = member.value.stringValue
            case let key where CXoneEntityKind.auditIDKeys.contains(key):
                nativeID = Self.text(member.value)
                attributes.append(key: key, value: member.value)
            default:
                attributes.appendFlattened(member.value, key: member.key)
            }
        }
        attributes.append(key: "entity_kind", value: .string(entity.kind.path))
        if let name = entity.name { attributes.append(key: "entity_name", value: .string(name)) }
        if let unit = entity.businessUnitID { attributes.append(key: "business_unit_id", value: unit) }
        if let assumed { attributes.append(key: "assumed_utc_offset", value: .string(assumed)) }
        let key = column ?? ""
        let identity: String
        if let nativeID, !nativeID.isEmpty {
            identity = nativeID
        } else {
            let old = object["oldValue"].map(JSONWriter.string) ?? ""
            let new = object["newValue"].map(JSONWriter.string) ?? ""
            identity = [object["date"]?.stringValue ?? "", key, old, new].joined(separator: "\u{1F}")
        }
        var event = Event(
            eventID: EventID.make(platform: .cxone, nativeID: "audit/\(entity.kind.path)/\(entity.id)/\(identity)"),
            timestamp: timestamp,
            platform: .cxone,
            sourceKind: "audit",
            eventType: entity.kind.modifiedEventType,
            actorID: actorID,
            actorName: actorName,
            targetID: entity.id,
            targetType: entity.kind.targetType,
            oldValue: object["oldValue"].map { JSONWriter.string(.object(JSONObject([.init(key: key, value: $0)]))) },
            newValue: object["newValue"].map { JSONWriter.string(.object(JSONObject([.init(key: key, value: $0)]))) },
            attributes: attributes,
            raw: keepRaw ? entry : nil
        )
        event.fieldSources = Self.auditSources
        return event
    }

    /// An audit entry's members are the attributes, keys unchanged, except those mapped here.
    static let auditSources = FieldSources(raw: [
        "actor_id": ["modifiedBy"], "actor_name": ["modifiedByName"], "old_value": ["oldValue"],
        "new_value": ["newValue"],
        "attributes.column_name": ["columnName"],
    ])

    /// A login entry's members are the attributes, keys unchanged, except the station id.
    static let loginSources = FieldSources(raw: ["target_id": ["stationId"]])

    /// Normalizes one element of `agentLogins`.
    /// - Throws: `RelayError(.malformedRecord)` when the entry is not an object or its `loginDate`
    ///   is missing or not a valid date.
    public func normalizeLogin(_ entry: JSONValue, agent: Agent) throws(RelayError) -> Event {
        guard case .object(let object) = entry else {
            throw RelayError(
                .malformedRecord, "agent \(agent.id): the login entry is a JSON \(entry.kindName), not an object")
        }
        let (timestamp, assumed) = try date(
            object["loginDate"], field: "loginDate", label: "agent \(agent.id) login entry")
        var attributes = JSONObject()
        for member in object where member.key != "loginDate" && member.key != "stationId" {
            attributes.appendFlattened(member.value, key: member.key)
        }
        if let userName = agent.userName { attributes.append(key: "agent_user_name", value: .string(userName)) }
        if let unit = agent.businessUnitID { attributes.append(key: "business_unit_id", value: unit) }
        if let assumed { attributes.append(key: "assumed_utc_offset", value: .string(assumed)) }
        let stationID = object["stationId"].flatMap(Self.text)
        let station = stationID ?? object["stationName"]?.stringValue ?? ""
        let loginDate = object["loginDate"]?.stringValue ?? ""
        var event = Event(
            eventID: EventID.make(platform: .cxone, nativeID: "login/\(agent.id)/\(loginDate)/\(station)"),
            timestamp: timestamp,
            platform: .cxone,
            sourceKind: "audit",
            eventType: "AGENT_LOGIN",
            actorID: agent.id,
            actorName: agent.name,
            targetID: stationID,
            targetType: stationID == nil ? nil : "Station",
            attributes: attributes,
            raw: keepRaw ? entry : nil
        )
        event.fieldSources = Self.loginSources
        return event
    }

    /// Parses a CXone date strictly; returns the offset text when the configured one was assumed.
    func date(_ value: JSONValue?, field: String, label: String) throws(RelayError) -> (Timestamp, String?) {
        guard let value else { throw RelayError(.malformedRecord, "\(label) has no \(field)") }
        guard case .string(let text) = value else {
            throw RelayError(.malformedRecord, "\(label): \(field) is a JSON \(value.kindName), not a date string")
        }
        do {
            let timestamp = try Timestamp.parseISO8601(text, assumingOffsetSeconds: timezoneOffsetSeconds)
            return (
                timestamp,
                Self.hasOffset(text) ? nil : CXoneAuditSourceConfiguration.formatOffset(timezoneOffsetSeconds)
            )
        } catch {
            throw RelayError(.malformedRecord, "\(label): \(field): \(error)")
        }
    }

    /// Whether an ISO 8601 date-time ends in `Z` or `±hh[:]mm` (after the `T`).
    static func hasOffset(_ text: String) -> Bool {
        guard let t = text.firstIndex(where: { $0 == "T" || $0 == "t" }) else { return false }
        let time = text[text.index(after: t)...]
        return time.contains { $0 == "Z" || $0 == "z" || $0 == "+" || $0 == "-" }
    }

    /// A string or integer id as text.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text.isEmpty ? nil : text
        case .number(let number): number.literal
        default: nil
        }
    }
}
