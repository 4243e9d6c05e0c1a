import Logging
import RelayCore

/// Reads one partition's window: lists entities (or agents), pages through each one's history and
/// commits every page without moving the checkpoint. ``CXoneAuditSource`` owns the checkpoint.
struct CXonePartitionReader: Sendable {
    let configuration: CXoneAuditSourceConfiguration
    let client: CXoneAPIClient
    let normalizer: CXoneNormalizer
    let intake: any SourceSender
    let logger: Logger

    /// One page of a `skip`/`top` list: its items and whether another page follows.
    struct Page {
        var items: [JSONValue]
        var businessUnitID: JSONValue?
        var more: Bool
    }

    // MARK: Entity audit history

    func pullAudit(kind: CXoneEntityKind, window: CXoneWindow, report: inout CycleReport) async throws {
        let entities = try await changedEntities(kind: kind, since: window.start)
        logger.trace("CXone entities changed in the window listed", metadata: ["ccrelay.entities": "\(entities.count)"])
        for entity in entities {
            try Task.checkCancellation()
            do {
                try await pullHistory(entity: entity, window: window, report: &report)
            } catch let error as RelayError where error.code == .entityNotFound {
                logger.info(
                    "CXone entity disappeared before its audit history was read; skipped",
                    metadata: ["ccrelay.entity": "\(kind.path)/\(entity.id)", "ccrelay.error": "\(error.message)"]
                )
            }
        }
    }

    /// The entities of `kind` changed since `since`: the list with `updatedSince`, minus items whose
    /// own change time says otherwise.
    func changedEntities(kind: CXoneEntityKind, since: Timestamp) async throws(RelayError) -> [CXoneNormalizer.Entity] {
        var entities: [CXoneNormalizer.Entity] = []
        var skip = 0
        while true {
            var query = [
                ("updatedSince", since.iso8601), ("skip", String(skip)), ("top", String(configuration.pageSize)),
            ]
            if kind.requiresSearchString { query.append(("searchString", "")) }
            let response = try await client.get(kind.path, query: query)
            let page = try Self.page(
                response, key: kind.listKey, skip: skip, top: configuration.pageSize, label: "GET \(kind.path)")
            for item in page.items {
                guard let id = item[kind.idKey].flatMap(CXoneNormalizer.text) else {
                    logger.warning(
                        "CXone list item without an id ignored", metadata: ["ccrelay.entity_kind": "\(kind.path)"])
                    continue
                }
                if let key = kind.changedKey, let text = item[key]?.stringValue,
                    let changed = try? Timestamp.parseISO8601(
                        text, assumingOffsetSeconds: configuration.timezoneOffsetSeconds),
                    changed < since
                {
                    continue
                }
                entities.append(
                    CXoneNormalizer.Entity(
                        kind: kind, id: id, name: item[kind.nameKey]?.stringValue, businessUnitID: page.businessUnitID)
                )
            }
            guard page.more else { return entities }
            skip += page.items.count
        }
    }

    private func pullHistory(entity: CXoneNormalizer.Entity, window: CXoneWindow, report: inout CycleReport)
        async throws
    {
        let path = "\(entity.kind.path)/\(CXoneURL.percentEncode(entity.id))/audit-history"
        var skip = 0
        while true {
            var query = [
                ("startDate", window.start.iso8601), ("endDate", window.end.iso8601), ("skip", String(skip)),
                ("top", String(configuration.pageSize)),
            ]
            if entity.kind.requiresSearchString { query.append(("searchString", "")) }
            let response = try await client.get(path, query: query)
            let page = try Self.page(
                response, key: entity.kind.historyKey, skip: skip, top: configuration.pageSize, label: "GET \(path)")
            var described = entity
            described.businessUnitID = page.businessUnitID ?? entity.businessUnitID
            try await commit(partition: entity.kind.path, entries: page.items, report: &report) {
                entry throws(RelayError) in
                try normalizer.normalizeAudit(entry, entity: described)
            }
            guard page.more else { return }
            skip += page.items.count
        }
    }

    // MARK: Agent logins

    func pullLogins(window: CXoneWindow, report: inout CycleReport) async throws {
        let agents = try await agents()
        logger.trace("CXone agents listed for login history", metadata: ["ccrelay.agents": "\(agents.count)"])
        for agent in agents {
            try Task.checkCancellation()
            do {
                try await pullLoginHistory(agent: agent, window: window, report: &report)
            } catch let error as RelayError where error.code == .entityNotFound {
                logger.info(
                    "CXone agent disappeared before its login history was read; skipped",
                    metadata: ["ccrelay.agent": "\(agent.id)", "ccrelay.error": "\(error.message)"]
                )
            }
        }
    }

    func agents() async throws(RelayError) -> [CXoneNormalizer.Agent] {
        var agents: [CXoneNormalizer.Agent] = []
        var skip = 0
        while true {
            var query = [("skip", String(skip)), ("top", String(configuration.pageSize))]
            if !configuration.includeInactiveAgents { query.append(("isActive", "true")) }
            let response = try await client.get("agents", query: query)
            let page = try Self.page(
                response, key: "agents", skip: skip, top: configuration.pageSize, label: "GET agents")
            for item in page.items {
                guard let id = item["agentId"].flatMap(CXoneNormalizer.text) else {
                    logger.warning("CXone agent without an agentId ignored")
                    continue
                }
                let parts = [item["firstName"]?.stringValue, item["lastName"]?.stringValue].compactMap { $0 }.filter {
                    !$0.isEmpty
                }
                let userName = item["userName"]?.stringValue
                agents.append(
                    CXoneNormalizer.Agent(
                        id: id, name: parts.isEmpty ? userName : parts.joined(separator: " "), userName: userName,
                        businessUnitID: page.businessUnitID
                    )
                )
            }
            guard page.more else { return agents }
            skip += page.items.count
        }
    }

    private func pullLoginHistory(agent: CXoneNormalizer.Agent, window: CXoneWindow, report: inout CycleReport)
        async throws
    {
        let path = "agents/\(CXoneURL.percentEncode(agent.id))/login-history"
        var skip = 0
        while true {
            let query = [
                ("startDate", window.start.iso8601), ("endDate", window.end.iso8601), ("skip", String(skip)),
                ("top", String(configuration.pageSize)),
            ]
            let response = try await client.get(path, query: query)
            let page = try Self.page(
                response, key: "agentLogins", skip: skip, top: configuration.pageSize, label: "GET \(path)")
            var described = agent
            described.businessUnitID = page.businessUnitID ?? agent.businessUnitID
            try await commit(partition: CXoneAuditSource.loginsPartition, entries: page.items, report: &report) {
                entry throws(RelayError) in
                try normalizer.normalizeLogin(entry, agent: described)
            }
            guard page.more else { return }
            skip += page.items.count
        }
    }

    // MARK: Shared

    /// Normalizes and commits one page (checkpoint unchanged); malformed entries become dead letters.
    private func commit(
        partition: String, entries: [JSONValue], report: inout CycleReport,
        normalize: (JSONValue) throws(RelayError) -> Event
    ) async throws {
        guard !entries.isEmpty else { return }
        var events: [Event] = []
        var malformed: [MalformedRecord] = []
        events.reserveCapacity(entries.count)
        for entry in entries {
            do {
                events.append(try normalize(entry))
            } catch {
                malformed.append(MalformedRecord(raw: JSONWriter.string(entry), reason: error.message))
            }
        }
        let result = try await intake.commit(
            partition: partition, events: events, malformed: malformed, checkpoint: nil)
        report.add(result, records: entries.count)
        logger.debug(
            "CXone page committed",
            metadata: ["ccrelay.records": "\(entries.count)", "ccrelay.malformed": "\(malformed.count)"]
        )
    }

    /// Reads a `skip`/`top` page: the array under `key` (absent or an empty 204 body: no items),
    /// and whether more follow by `totalRecords`, else by a full page.
    static func page(_ response: JSONValue, key: String, skip: Int, top: Int, label: String) throws(RelayError) -> Page
    {
        guard case .object(let object) = response else {
            throw RelayError(.malformedResponse, "\(label): the response is a JSON \(response.kindName), not an object")
        }
        let total = object["totalRecords"]?.int64Value
        let items: [JSONValue]
        switch object[key] {
        case .array(let array): items = array
        case nil, .null?:
            guard (total ?? 0) == 0 else {
                throw RelayError(
                    .malformedResponse, "\(label): the response reports \(total ?? 0) records but has no \(key) array")
            }
            items = []
        case let other?:
            throw RelayError(.malformedResponse, "\(label): \(key) is a JSON \(other.kindName), not an array")
        }
        let more: Bool
        if items.isEmpty {
            more = false
        } else if let total {
            more = Int64(skip + items.count) < total
        } else {
            more = items.count >= top
        }
        return Page(items: items, businessUnitID: object["businessUnitId"], more: more)
    }
}
