/// Sumo Logic queries. Each search extracts the fields it uses from the JSON message with the
/// `json` operator (JSON paths from ``SchemaField``s), so it works on data received before the
/// field extraction rule existed.
struct SumoQueries {
    let input: GenerateInput

    /// `_sourceCategory=ccrelay` (several sinks: OR'ed).
    var scope: String {
        var categories: [String] = []
        for sink in input.sumo where !categories.contains(sink.category) { categories.append(sink.category) }
        let terms = categories.map { "_sourceCategory=\(quoted($0))" }
        return terms.count == 1 ? terms[0] : "(" + terms.joined(separator: " OR ") + ")"
    }

    /// The JSON path of a field: `event_type`, `attributes.disconnect_type`, `attributes['entity.name']`.
    static func jsonPath(_ field: SchemaField) -> String {
        let name = field.path.dropFirst(
            field.path.hasPrefix(NormalizedSchema.attributesPrefix) ? NormalizedSchema.attributesPrefix.count : 0)
        guard field.path.hasPrefix(NormalizedSchema.attributesPrefix) else { return field.path }
        return name.contains(".") ? "attributes['\(name)']" : "attributes.\(name)"
    }

    /// `| json field=_raw "a", "b" as a, b nodrop`.
    static func extract(_ fields: [SchemaField]) -> String {
        "json field=_raw " + fields.map { quoted(jsonPath($0)) }.joined(separator: ", ") + " as "
            + fields.map(\.shortName).joined(separator: ", ") + " nodrop"
    }

    /// Fields the field extraction rule extracts at ingest.
    static let extractedFields: [SchemaField] = [
        .eventID, .timestamp, .platform, .sourceKind, .eventType, .actorID, .actorName, .targetID, .targetType,
        .serviceName, .disconnectType, .conversationID, .topicName,
    ]

    private func inList(_ values: [String]) -> String { "(" + values.map(quoted).joined(separator: ", ") + ")" }

    private var changesOnly: String {
        AlertCatalog.readOnlyEventTypeSuffixes.map {
            "!(\(SchemaField.eventType.shortName) matches \(quoted("*" + $0)))"
        }
        .joined(separator: " and ")
    }

    private var auditFilter: String { "\(SchemaField.sourceKind.shortName) = \(quoted(AlertCatalog.auditSourceKind))" }

    /// The event time and the receipt time as columns: alerts that select by receipt time show
    /// when the event happened beside when it arrived.
    static let arrivalColumns =
        "| formatDate(_messagetime, \"yyyy-MM-dd'T'HH:mm:ss'Z'\", \"UTC\") as event_time\n"
        + "| formatDate(_receipttime, \"yyyy-MM-dd'T'HH:mm:ss'Z'\", \"UTC\") as received_time"

    func query(for alert: AlertCatalog.Alert) -> String {
        let settings = input.alerts
        let eventType = SchemaField.eventType.shortName
        let targetType = SchemaField.targetType.shortName
        switch alert {
        case .oauthClientViewed:
            return
                "\(scope)\n| \(Self.extract([.eventID, .sourceKind, .eventType, .targetType, .actorID, .actorName, .targetID, .entityName, .remoteIP]))\n"
                + "| where \(auditFilter) and \(targetType) in \(inList(AlertCatalog.oauthClientEntityTypes)) "
                + "and \(eventType) in \(inList(AlertCatalog.oauthClientReadEventTypes))\n"
                + SumoPaging(input: input).scope
                + "| dedup by \(SchemaField.eventID.shortName)\n\(Self.arrivalColumns)"
        case .privilegeChangeOffHours:
            return
                "\(scope)\n| \(Self.extract([.eventID, .sourceKind, .eventType, .targetType, .actorID, .actorName, .targetID]))\n"
                + "| where \(auditFilter) and \(targetType) in \(inList(AlertCatalog.privilegeEntityTypes)) and \(changesOnly)\n"
                + "| formatDate(_messagetime, \"H\", \"UTC\") as utc_hour\n"
                + "| formatDate(_messagetime, \"EEE\", \"UTC\") as utc_day\n"
                + "| where num(utc_hour) < \(settings.businessStartHour) or num(utc_hour) >= \(settings.businessEndHour) or utc_day in (\"Sat\", \"Sun\")\n"
                + "| dedup by \(SchemaField.eventID.shortName)\n\(Self.arrivalColumns)"
        case .configurationBurst:
            return "\(scope)\n| \(Self.extract([.eventID, .sourceKind, .eventType, .actorID, .targetID]))\n"
                + "| where \(auditFilter) and \(changesOnly)\n"
                + "| dedup by \(SchemaField.eventID.shortName)\n"
                + "| count as changes, count_distinct(\(SchemaField.targetID.shortName)) as targets by \(SchemaField.actorID.shortName)\n"
                + "| where changes >= \(settings.burstThreshold)"
        case .deliveryLag:
            return "\(scope)\n| \(Self.extract([.eventID, .platform, .sourceKind]))\n"
                + "| (_receipttime - _messagetime) / 1000 as lag_secs\n"
                + "| where lag_secs > \(settings.lagThresholdSecs)\n"
                + "| count as late_events, max(lag_secs) as max_lag_secs by \(SchemaField.platform.shortName), \(SchemaField.sourceKind.shortName)"
        case .deliverySilence:
            return scope
        }
    }

    /// Abandoned conversations per 5-minute slice, as Genesys defines an abandon (see
    /// ``AlertCatalog/queueEntryEventType``): queued, no agent connected, the customer hung up.
    var abandonment: String {
        let type = SchemaField.eventType.shortName
        return "\(scope)\n| \(Self.extract([.eventID, .sourceKind, .eventType, .disconnectType, .conversationID]))\n"
            + "| where \(SchemaField.sourceKind.shortName) = \(quoted(AlertCatalog.conversationSourceKind)) "
            + "and \(type) in \(inList(AlertCatalog.abandonmentEventTypes))\n"
            + "| dedup by \(SchemaField.eventID.shortName)\n"
            + "| if(\(type) = \(quoted(AlertCatalog.queueEntryEventType)), 1, 0) as queued\n"
            + "| if(\(type) = \(quoted(AlertCatalog.agentConnectEventType)), 1, 0) as agent_connected\n"
            + "| if(\(type) = \(quoted(AlertCatalog.customerEndEventType)) and "
            + "\(SchemaField.disconnectType.shortName) = \(quoted(AlertCatalog.ownSideHangUp)), 1, 0) as customer_left\n"
            + "| timeslice 5m\n"
            + "| max(queued) as queued, max(agent_connected) as agent_connected, max(customer_left) as customer_left, "
            + "max(_timeslice) as slice by \(SchemaField.conversationID.shortName)\n"
            + "| where queued = 1 and agent_connected = 0 and customer_left = 1\n"
            + "| count as abandoned by slice\n"
            + "| sort by slice asc"
    }

    /// Disconnects by the other party (`PEER`, relative to the participant) vs backend errors per 5 minutes.
    var abandonmentOverlay: String {
        let backend = input.backend
        return "(\(scope)) or (\(backend.sumoScope))\n"
            + "| \(Self.extract([.sourceKind, .disconnectType]))\n"
            + "| if(\(SchemaField.sourceKind.shortName) = \(quoted(AlertCatalog.conversationSourceKind)) and "
            + "\(SchemaField.disconnectType.shortName) = \(quoted(AlertCatalog.customerHangUp)), 1, 0) as peer_disconnects\n"
            + "| if(num(\(backend.sumoStatusField)) = \(backend.errorStatus), 1, 0) as backend_errors\n"
            + "| timeslice 5m\n"
            + "| sum(peer_disconnects) as peer_disconnects, sum(backend_errors) as backend_http_\(backend.errorStatus) by _timeslice"
    }
}
