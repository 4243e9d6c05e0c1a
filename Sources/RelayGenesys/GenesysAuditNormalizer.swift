import RelayCore

/// Turns Genesys Cloud audit records into ccrelay ``Event``s. Pure: no I/O, no clock, no Foundation;
/// it runs once per record.
///
/// Mapping of a REST `AuditLogMessage`:
/// * `event_id` = ``EventID/make(platform:nativeID:topic:)`` of `id`; `timestamp` = `eventDate`
///   parsed strictly (an offset is converted to UTC; an unparseable date makes the record malformed).
/// * `event_type` = ``GenesysEventType/derive(entityType:action:)``, e.g. `QUEUE_CREATED`.
/// * actor = `user.id` / `user.name`; without a user id, the OAuth client's `client.id` (no name).
/// * target = `entity.id`, `target_type` = `entityType`.
/// * `old_value` / `new_value` = compact JSON of `{property: oldValues}` / `{property: newValues}`
///   from `propertyChanges`, merged with `entityChanges` keyed by `entityName` (else `entityId`).
///   Empty value lists are left out; with nothing left the field is absent.
/// * `attributes` = every other field, nested objects flattened to dotted keys (`message.message`,
///   `initiatingAction.transactionId`, `client.id`, `user.selfUri`), arrays kept as arrays. Fields
///   mapped above (`id`, `eventDate`, `action`, `entityType`, `propertyChanges`, `entityChanges`,
///   `user.id`, `user.name`, `entity.id`) are not repeated.
///
/// The audit *topic* body (EventBridge, notifications) names some fields differently: `eventTime`,
/// `userId`, `username`, `clientId`. ``normalizeTopicBody(_:)`` maps those the same way, to the same `event_id`.
public struct GenesysAuditNormalizer: Sendable {
    /// Keep the original record in ``Event/raw``. Default `false`.
    public var keepRaw: Bool

    public init(keepRaw: Bool = false) {
        self.keepRaw = keepRaw
    }

    /// Normalizes one REST `AuditLogMessage` (an element of `entities` of the audit query APIs).
    /// - Throws: `RelayError(.malformedRecord)` naming the field when the record is not an object,
    ///   has no `id`, or has no valid `eventDate`.
    public func normalize(_ record: JSONValue) throws(RelayError) -> Event {
        try normalize(record, shape: .rest)
    }

    /// Normalizes the `eventBody` of an audit topic (`v2.audits.entitytype.{type}.entityid.{id}`).
    ///
    /// Its `event_id` is the audit id's alone, as for the same audit pulled through the REST APIs:
    /// the topic body carries the audit's own `id` (the `AuditTopicAuditLogMessage` of Genesys's
    /// notification schema has the `id` of the `AuditLogMessage` the query APIs return), so an audit
    /// received both ways is one event, and `dedup event_id` in the SIEM or ccrelay's ledger merges
    /// the copies.
    public func normalizeTopicBody(_ body: JSONValue) throws(RelayError) -> Event {
        try normalize(body, shape: .topic)
    }

    private enum Shape {
        case rest, topic
        var dateField: String { self == .rest ? "eventDate" : "eventTime" }
    }

    private func normalize(_ record: JSONValue, shape: Shape) throws(RelayError) -> Event {
        guard case .object(let object) = record else {
            throw RelayError(.malformedRecord, "the audit record is a JSON \(record.kindName), not an object")
        }
        var id: String?
        var dateValue: JSONValue?
        var action: String?
        var entityType: String?
        var userID: String?
        var userName: String?
        var clientID: String?
        var targetID: String?
        var oldValues = JSONObject()
        var newValues = JSONObject()
        var attributes = JSONObject()
        attributes.reserveCapacity(object.count + 8)

        for member in object {
            let key = member.key
            let value = member.value
            switch key {
            case "id":
                guard case .string(let text) = value, !text.isEmpty else {
                    throw RelayError(.malformedRecord, "the audit record's id is not a non-empty string")
                }
                id = text
            case shape.dateField:
                dateValue = value
            case "action" where value.stringValue != nil:
                action = value.stringValue
            case "entityType" where value.stringValue != nil:
                entityType = value.stringValue
            case "propertyChanges" where value.arrayValue != nil:
                if !Self.collectPropertyChanges(value.arrayValue!, old: &oldValues, new: &newValues) {
                    attributes.append(key: key, value: value)
                }
            case "entityChanges" where value.arrayValue != nil:
                if !Self.collectEntityChanges(value.arrayValue!, old: &oldValues, new: &newValues) {
                    attributes.append(key: key, value: value)
                }
            case "user" where shape == .rest:
                if let user = value.objectValue, let uid = user["id"]?.stringValue, !uid.isEmpty {
                    userID = uid
                    userName = user["name"]?.stringValue
                    attributes.appendFlattened(value, key: key, skipping: ["id", "name"])
                } else {
                    attributes.appendFlattened(value, key: key)
                }
            case "userId" where shape == .topic && value.stringValue != nil:
                if let uid = value.stringValue, !uid.isEmpty { userID = uid }
            case "username" where shape == .topic:
                if let name = value.stringValue {
                    userName = name
                } else {
                    userName = value["name"]?.stringValue
                    attributes.appendFlattened(value, key: key, skipping: userName == nil ? [] : ["name"])
                }
            case "client" where shape == .rest, "clientId" where shape == .topic:
                clientID = value.stringValue ?? value["id"]?.stringValue
                attributes.appendFlattened(value, key: key)
            case "entity":
                if let entity = value.objectValue, let eid = entity["id"]?.stringValue {
                    targetID = eid
                    attributes.appendFlattened(value, key: key, skipping: ["id"])
                } else {
                    attributes.appendFlattened(value, key: key)
                }
            default:
                attributes.appendFlattened(value, key: key)
            }
        }

        guard let id else {
            throw RelayError(.malformedRecord, "the audit record has no id")
        }
        guard let dateValue else {
            throw RelayError(.malformedRecord, "audit record \(id) has no \(shape.dateField)")
        }
        let timestamp: Timestamp
        do {
            switch (shape, dateValue) {
            case (.rest, .string(let text)):
                timestamp = try Timestamp.parseISO8601(text)
            case (.rest, _):
                throw RelayError(
                    .malformedRecord,
                    "audit record \(id): eventDate is a JSON \(dateValue.kindName), not an ISO 8601 string"
                )
            case (.topic, _):
                timestamp = try Timestamp.parse(dateValue)
            }
        } catch let error as RelayError {
            throw error
        } catch {
            throw RelayError(.malformedRecord, "audit record \(id): \(shape.dateField): \(error)")
        }

        let actorID: String?
        let actorName: String?
        if let userID {
            actorID = userID
            actorName = userName
        } else if let clientID, !clientID.isEmpty {
            actorID = clientID
            actorName = nil
        } else {
            actorID = nil
            actorName = shape == .topic ? userName : nil
        }

        var event = Event(
            eventID: EventID.make(platform: .genesys, nativeID: id),
            timestamp: timestamp,
            platform: .genesys,
            sourceKind: "audit",
            eventType: GenesysEventType.derive(entityType: entityType, action: action),
            actorID: actorID,
            actorName: actorName,
            targetID: targetID,
            targetType: entityType,
            oldValue: oldValues.isEmpty ? nil : JSONWriter.string(.object(oldValues)),
            newValue: newValues.isEmpty ? nil : JSONWriter.string(.object(newValues)),
            attributes: attributes,
            raw: keepRaw ? .some(record) : .none
        )
        event.fieldSources = shape == .rest ? Self.restSources : Self.topicSources
        return event
    }

    /// Where a REST record's fields come from: attributes are its members flattened, keys unchanged;
    /// `old_value`/`new_value` are also in the attributes when a change list falls back there.
    static let restSources = FieldSources(
        raw: [
            "actor_id": ["user.id", "client.id"], "actor_name": ["user.name"], "target_id": ["entity.id"],
            "target_type": ["entityType"], "old_value": changeValues("oldValues"),
            "new_value": changeValues("newValues"),
        ],
        copies: [
            "actor_id": ["client.id"], "actor_name": ["user.name"], "target_id": ["entity.id"],
            "old_value": changeValues("oldValues"), "new_value": changeValues("newValues"),
        ])

    /// Where an audit topic body's fields come from (the topic's own field names).
    static let topicSources = FieldSources(
        raw: [
            "actor_id": ["userId", "clientId"], "actor_name": ["username"], "target_id": ["entity.id"],
            "target_type": ["entityType"], "old_value": changeValues("oldValues"),
            "new_value": changeValues("newValues"),
        ],
        copies: [
            "actor_id": ["clientId"], "actor_name": ["username.name"], "target_id": ["entity.id"],
            "old_value": changeValues("oldValues"), "new_value": changeValues("newValues"),
        ])

    private static func changeValues(_ member: String) -> [String] {
        ["propertyChanges." + member, "entityChanges." + member]
    }

    /// Adds `{property: oldValues}` / `{property: newValues}`; false when an element does not have
    /// the documented shape (the caller then keeps the whole list in the attributes as well).
    private static func collectPropertyChanges(_ changes: [JSONValue], old: inout JSONObject, new: inout JSONObject)
        -> Bool
    {
        var wellFormed = true
        for change in changes {
            guard let property = change["property"]?.stringValue else {
                wellFormed = false
                continue
            }
            addValues(change["oldValues"], key: property, to: &old)
            addValues(change["newValues"], key: property, to: &new)
        }
        return wellFormed
    }

    /// Adds entity changes keyed by `entityName`, else `entityId`; false when one has neither.
    private static func collectEntityChanges(_ changes: [JSONValue], old: inout JSONObject, new: inout JSONObject)
        -> Bool
    {
        var wellFormed = true
        for change in changes {
            let name = change["entityName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            guard let key = name ?? change["entityId"]?.stringValue else {
                wellFormed = false
                continue
            }
            addValues(change["oldValues"], key: key, to: &old)
            addValues(change["newValues"], key: key, to: &new)
        }
        return wellFormed
    }

    private static func addValues(_ values: JSONValue?, key: String, to object: inout JSONObject) {
        guard let values else { return }
        switch values {
        case .null: return
        case .array(let elements) where elements.isEmpty: return
        default: object[key] = values
        }
    }
}
