import RelayCore

/// Builds realistic `AuditLogMessage` objects (fields, names and types as the official SDKs'
/// models have them), deterministically from the emulator's generator.
struct GenesysRecordFactory: Sendable {
    let cast: GenesysOrgCast

    /// Who performed an audited action.
    struct Actor {
        var user: GenesysOrgCast.Named?
        /// `""` for actions taken in the Genesys Cloud UI, an OAuth client id for API calls.
        var clientID: String
        var level: String
        var application: String
        var homeOrgID: String
    }

    /// What was done, to what.
    struct Change {
        var service: String
        var action: String
        var entityType: String
        var entity: GenesysOrgCast.Named
        var entitySelfUri: String
        var messageCode: String
        var message: String
        var propertyChanges: [(property: String, old: [String], new: [String])] = []
        var context: [(String, String)] = []
        var entityChanges: [JSONValue] = []
        var status = "SUCCESS"
    }

    /// The kinds of record generated, each with its service and relative frequency.
    private enum Kind: CaseIterable {
        case presence, queue, user, role, oauthClient, flow, edge

        var service: String {
            switch self {
            case .presence: "Presence"
            case .queue: "Routing"
            case .user: "Directory"
            case .role: "Authorization"
            case .oauthClient: "OAuth"
            case .flow: "Architect"
            case .edge: "Telephony"
            }
        }

        var weight: Int {
            switch self {
            case .presence: 6
            case .queue: 4
            case .user: 3
            case .role, .oauthClient, .flow: 2
            case .edge: 1
            }
        }
    }

    /// A new record dated `eventDate`, of a kind whose service is among `services`.
    func makeRecord(eventDate: Timestamp, services: [String], generator g: inout SeededGenerator) -> JSONObject {
        let candidates = Kind.allCases.filter { services.contains($0.service) }
        guard !candidates.isEmpty else {
            return genericRecord(eventDate: eventDate, service: services.first ?? "Routing", generator: &g)
        }
        var roll = Int.random(in: 0..<candidates.reduce(0) { $0 + $1.weight }, using: &g)
        var kind = candidates[0]
        for candidate in candidates {
            if roll < candidate.weight {
                kind = candidate
                break
            }
            roll -= candidate.weight
        }
        let (actor, change): (Actor, Change)
        switch kind {
        case .presence: (actor, change) = presenceChange(&g)
        case .queue: (actor, change) = queueChange(&g)
        case .user: (actor, change) = userUpdate(&g)
        case .role: (actor, change) = roleUpdate(&g)
        case .oauthClient: (actor, change) = oauthClientChange(&g)
        case .flow: (actor, change) = flowChange(&g)
        case .edge: (actor, change) = edgeChange(&g)
        }
        return assemble(actor: actor, change: change, eventDate: eventDate, generator: &g)
    }

    // MARK: Actors

    private func uiUser(_ g: inout SeededGenerator) -> Actor {
        if g.chance(0.1) {
            return Actor(
                user: g.pick(cast.trusteeUsers), clientID: "", level: "USER",
                application: "Genesys Cloud", homeOrgID: cast.trusteeOrgID)
        }
        return Actor(
            user: g.pick(cast.users), clientID: "", level: "USER", application: "Genesys Cloud", homeOrgID: cast.orgID)
    }

    private func apiClient(_ g: inout SeededGenerator, withUser: Bool) -> Actor {
        Actor(
            user: withUser ? g.pick(cast.users) : nil, clientID: g.pick(cast.oauthClients).id,
            level: withUser ? "USER" : "SYSTEM", application: "Platform API", homeOrgID: cast.orgID)
    }

    // MARK: Kinds

    private func presenceChange(_ g: inout SeededGenerator) -> (Actor, Change) {
        let user = g.pick(cast.users)
        let old = g.pick(GenesysOrgCast.presences)
        let new = g.pick(GenesysOrgCast.presences.filter { $0 != old })
        let actor = Actor(user: user, clientID: "", level: "USER", application: "Genesys Cloud", homeOrgID: cast.orgID)
        var change = Change(
            service: "Presence", action: "Update", entityType: "UserPresence", entity: user,
            entitySelfUri: "/api/v2/users/\(user.id)/presences/PURECLOUD",
            messageCode: "PRESENCE_UPDATED", message: "User presence updated")
        change.propertyChanges = [("PRESENCE", [old], [new])]
        return (actor, change)
    }

    private func queueChange(_ g: inout SeededGenerator) -> (Actor, Change) {
        let queue = g.pick(cast.queues)
        let actor = g.chance(0.3) ? apiClient(&g, withUser: false) : uiUser(&g)
        var change = Change(
            service: "Routing", action: "Update", entityType: "Queue", entity: queue,
            entitySelfUri: "/api/v2/routing/queues/\(queue.id)",
            messageCode: "QUEUE_UPDATED", message: "Queue updated")
        switch Int.random(in: 0..<6, using: &g) {
        case 0:
            change.action = "Create"
            change.messageCode = "QUEUE_CREATED"
            change.message = "Queue created"
            change.propertyChanges = [
                ("name", [], [queue.name]), ("acwSettings.wrapupPrompt", [], ["MANDATORY_TIMEOUT"]),
            ]
        case 1:
            change.action = "Delete"
            change.messageCode = "QUEUE_DELETED"
            change.message = "Queue deleted"
            change.propertyChanges = [("name", [queue.name], [])]
        default:
            let old = Int.random(in: 10...60, using: &g)
            change.propertyChanges = [("acwSettings.timeoutMs", [String(old * 1000)], [String((old + 15) * 1000)])]
            if g.chance(0.3) { change.propertyChanges.append(("skillEvaluationMethod", ["BEST"], ["ALL"])) }
        }
        if g.chance(0.05) { change.status = "FAILURE" }
        return (actor, change)
    }

    private func userUpdate(_ g: inout SeededGenerator) -> (Actor, Change) {
        let target = g.pick(cast.users)
        let actor = g.chance(0.25) ? apiClient(&g, withUser: false) : uiUser(&g)
        var change = Change(
            service: "Directory", action: "Update", entityType: "User", entity: target,
            entitySelfUri: "/api/v2/users/\(target.id)",
            messageCode: "USER_UPDATED", message: "User updated")
        if g.chance(0.5) {
            let old = g.pick(GenesysOrgCast.titles)
            change.propertyChanges = [("title", [old], [g.pick(GenesysOrgCast.titles.filter { $0 != old })])]
        } else {
            let old = g.pick(GenesysOrgCast.departments)
            change.propertyChanges = [("department", [old], [g.pick(GenesysOrgCast.departments.filter { $0 != old })])]
        }
        if g.chance(0.3) {
            let role = g.pick(cast.roles)
            change.entityChanges = [
                [
                    "entityId": .string(role.id), "entityName": .string(role.name), "entityType": "Role",
                    "oldValues": [], "newValues": .array([.string(role.name)]),
                ]
            ]
        }
        return (actor, change)
    }

    private func roleUpdate(_ g: inout SeededGenerator) -> (Actor, Change) {
        let role = g.pick(cast.roles)
        let actor = uiUser(&g)
        var change = Change(
            service: "Authorization", action: "Update", entityType: "Role", entity: role,
            entitySelfUri: "/api/v2/authorization/roles/\(role.id)",
            messageCode: "ROLE_UPDATED", message: "Role permissions updated")
        var old = Set<String>()
        while old.count < 3 { old.insert(g.pick(GenesysOrgCast.permissions)) }
        let oldList = GenesysOrgCast.permissions.filter { old.contains($0) }
        let added = g.pick(GenesysOrgCast.permissions.filter { !old.contains($0) })
        var newList = oldList + [added]
        if g.chance(0.3) { newList.removeFirst() }
        change.propertyChanges = [("permissionPolicies", oldList, newList)]
        change.context = [("roleName", role.name)]
        return (actor, change)
    }

    private func oauthClientChange(_ g: inout SeededGenerator) -> (Actor, Change) {
        let client = g.pick(cast.oauthClients)
        let actor = uiUser(&g)
        var change = Change(
            service: "OAuth", action: "View", entityType: "OAuthClient", entity: client,
            entitySelfUri: "/api/v2/oauth/clients/\(client.id)",
            messageCode: "OAUTH_CLIENT_SECRET_VIEWED", message: "OAuth client secret viewed")
        if g.chance(0.6) {
            change.context = [("field", "secret")]
        } else {
            change.action = "Update"
            change.messageCode = "OAUTH_CLIENT_UPDATED"
            change.message = "OAuth client updated"
            let old = Int.random(in: 1...24, using: &g) * 3600
            change.propertyChanges = [("accessTokenValiditySeconds", [String(old)], [String(old + 3600)])]
        }
        return (actor, change)
    }

    private func flowChange(_ g: inout SeededGenerator) -> (Actor, Change) {
        let flow = g.pick(cast.flows)
        let actor = uiUser(&g)
        let action = g.pick(["Publish", "Checkin", "Checkout", "Update"])
        var change = Change(
            service: "Architect", action: action, entityType: "Flow", entity: flow,
            entitySelfUri: "/api/v2/flows/\(flow.id)",
            messageCode: "FLOW_\(action.uppercased())", message: "Flow \(action.lowercased())")
        change.context = [("flowType", "INBOUNDCALL")]
        if action == "Publish" {
            let version = Int.random(in: 2...40, using: &g)
            change.propertyChanges = [("publishedVersion", ["\(version - 1).0"], ["\(version).0"])]
        }
        return (actor, change)
    }

    private func edgeChange(_ g: inout SeededGenerator) -> (Actor, Change) {
        let edge = g.pick(cast.edges)
        let actor = apiClient(&g, withUser: false)
        let toService = g.chance(0.5)
        var change = Change(
            service: "Telephony", action: toService ? "UpdateInService" : "UpdateOutOfService",
            entityType: "Edge", entity: edge,
            entitySelfUri: "/api/v2/telephony/providers/edges/\(edge.id)",
            messageCode: "EDGE_STATE_CHANGED", message: "Edge state changed")
        change.propertyChanges = [
            ("state", [toService ? "OUT_OF_SERVICE" : "IN_SERVICE"], [toService ? "IN_SERVICE" : "OUT_OF_SERVICE"])
        ]
        return (actor, change)
    }

    private func genericRecord(eventDate: Timestamp, service: String, generator g: inout SeededGenerator) -> JSONObject
    {
        let actor = uiUser(&g)
        let entity = GenesysOrgCast.Named(id: g.uuid(), name: "\(service) object")
        let change = Change(
            service: service, action: "Update", entityType: "Settings", entity: entity,
            entitySelfUri: "", messageCode: "SETTINGS_UPDATED", message: "Settings updated")
        return assemble(actor: actor, change: change, eventDate: eventDate, generator: &g)
    }

    // MARK: Assembly

    /// `eventDate` as Genesys writes it: with milliseconds, or, for a time on a whole second, without
    /// a fraction (`…T12:34:56Z`), so the text never disagrees with the time the queries order by.
    static func eventDateText(_ eventDate: Timestamp, wholeSeconds: Bool) -> String {
        let text = eventDate.iso8601
        guard wholeSeconds, text.hasSuffix(".000Z") else { return text }
        return String(text.dropLast(5)) + "Z"
    }

    private func assemble(actor: Actor, change: Change, eventDate: Timestamp, generator g: inout SeededGenerator)
        -> JSONObject
    {
        var record = JSONObject()
        record["id"] = .string(g.uuid())
        record["userHomeOrgId"] = .string(actor.homeOrgID)
        if let user = actor.user {
            record["user"] = [
                "id": .string(user.id), "name": .string(user.name), "selfUri": .string("/api/v2/users/\(user.id)"),
            ]
        }
        // A change made in the UI names no OAuth client: real records carry `"client":{"id":""}`.
        record["client"] =
            actor.clientID.isEmpty
            ? ["id": ""]
            : ["id": .string(actor.clientID), "selfUri": .string("/api/v2/oauth/clients/\(actor.clientID)")]
        var ips: [JSONValue] = [.string("203.0.113.\(Int.random(in: 2...254, using: &g))")]
        if actor.clientID.isEmpty, g.chance(0.3) {
            ips.append(.string("198.51.100.\(Int.random(in: 2...254, using: &g))"))
        }
        record["remoteIp"] = .array(ips)
        record["serviceName"] = .string(change.service)
        record["level"] = .string(actor.level)
        // Some records write a whole second without a fraction (`…T12:34:56Z`).
        record["eventDate"] = .string(Self.eventDateText(eventDate, wholeSeconds: g.chance(0.2)))
        let text = "\(change.message): {entityName}"
        record["message"] = [
            "localizableMessageCode": .string(change.messageCode),
            "message": .string("\(change.message): \(change.entity.name)"),
            "messageWithParams": .string(text),
            "messageParams": ["entityName": .string(change.entity.name)],
        ]
        record["action"] = .string(change.action)
        record["entity"] = [
            "id": .string(change.entity.id), "name": .string(change.entity.name),
            "selfUri": .string(change.entitySelfUri),
        ]
        record["entityType"] = .string(change.entityType)
        record["status"] = .string(change.status)
        record["application"] = .string(actor.application)
        // Some records carry an empty `initiatingAction`.
        record["initiatingAction"] =
            g.chance(0.1) ? [:] : ["transactionId": .string(g.uuid()), "actionContext": .string(change.action)]
        record["transactionInitiator"] = .bool(true)
        record["propertyChanges"] = .array(
            change.propertyChanges.map { item in
                [
                    "property": .string(item.property), "oldValues": .array(item.old.map(JSONValue.string)),
                    "newValues": .array(item.new.map(JSONValue.string)),
                ]
            })
        record["context"] = .object(
            JSONObject(change.context.map { JSONObject.Member(key: $0.0, value: .string($0.1)) }))
        if !change.entityChanges.isEmpty { record["entityChanges"] = .array(change.entityChanges) }
        return record
    }
}
