import RelaySinks

/// The KQL of every generated analytics rule, over the `CCRelay_CL` table the `sentinel` sink
/// fills. Column names come from ``SentinelRowEncoder/columns`` (through ``column(_:)``), so a
/// query cannot name a column the sink does not write.
///
/// Computed columns are snake_case (`ingested_at`, `changes`), table columns PascalCase: the tests
/// tell them apart that way.
struct SentinelQueries {
    let input: GenerateInput

    /// How often every rule runs, in seconds.
    static let frequencySecs = 300
    /// How far the arrival window ends before the run (records become queryable a little after
    /// their ingestion time), in minutes.
    static let arrivalDelayMinutes = 5
    /// How old (by `TimeGenerated`) a record may be and still alert when it arrives, in seconds: the
    /// lookback (`queryPeriod`) of the rules that select by arrival. ccrelay's dedup window.
    static let arrivalLookbackSecs = 7 * 86400

    /// The KQL of a schema field: its column (`EventType`) or, for an attribute, the string at its
    /// key in the dynamic `Attributes` column (`tostring(Attributes["entity.name"])`).
    static func column(_ field: SchemaField) -> String {
        if field.path.hasPrefix(NormalizedSchema.attributesPrefix) {
            let key = String(field.path.dropFirst(NormalizedSchema.attributesPrefix.count))
            return "tostring(\(columnName(of: "attributes"))[\(quoted(key))])"
        }
        return columnName(of: field.path)
    }

    private static func columnName(of field: String) -> String {
        guard let column = SentinelRowEncoder.columns.first(where: { $0.field == field }) else {
            preconditionFailure("CCRelay_CL has no column for \(field)")
        }
        return column.name
    }

    private var table: String { SentinelRowEncoder.table }

    private var audit: String { "\(Self.column(.sourceKind)) == \(quoted(AlertCatalog.auditSourceKind))" }

    /// `not(EventType endswith "_VIEWED" or ...)`: only actions that change something.
    private var changesOnly: String {
        let type = Self.column(.eventType)
        return "not("
            + AlertCatalog.readOnlyEventTypeSuffixes.map { "\(type) endswith \(quoted($0))" }
            .joined(separator: " or ") + ")"
    }

    /// Records that arrived in the 5 minutes ending ``arrivalDelayMinutes`` before the run (whole
    /// minutes), each once: every record is in exactly one run's window, however old its
    /// `TimeGenerated` (Microsoft Sentinel, "Handle ingestion delay in scheduled analytics rules").
    private var arrivals: String {
        let minutes = Self.frequencySecs / 60
        return "let arrival_end = bin(now(), 1m) - \(Self.arrivalDelayMinutes)m;\n"
            + "let arrival_start = arrival_end - \(minutes)m;\n"
            + "\(table)\n| extend ingested_at = ingestion_time()\n"
            + "| where ingested_at >= arrival_start and ingested_at < arrival_end"
    }

    /// One row per `EventId` (its first arrival), so a resent batch never alerts twice in a run.
    private var firstArrival: String { "| summarize arg_min(ingested_at, *) by \(Self.column(.eventID))" }

    /// The alert's query.
    func query(for alert: AlertCatalog.Alert) -> String {
        let settings = input.alerts
        let c = Self.column
        switch alert {
        case .oauthClientViewed:
            return
                "\(arrivals)\n| where \(audit) and \(c(.targetType)) in (\(list(AlertCatalog.oauthClientEntityTypes))) "
                + "and \(c(.eventType)) in (\(list(AlertCatalog.oauthClientReadEventTypes)))\n\(firstArrival)\n"
                + "| project \(c(.timestamp)), ingested_at, \(c(.platform)), \(c(.eventType)), \(c(.actorID)), "
                + "\(c(.actorName)), \(c(.targetID)), entity_name = \(c(.entityName)), remote_ip = \(c(.remoteIP))"
        case .privilegeChangeOffHours:
            let time = c(.timestamp)
            // dayofweek: Sunday is 0d, Saturday 6d.
            return
                "\(arrivals)\n| where \(audit) and \(c(.targetType)) in (\(list(AlertCatalog.privilegeEntityTypes))) "
                + "and \(changesOnly)\n"
                + "| where hourofday(\(time)) < \(settings.businessStartHour) or hourofday(\(time)) >= \(settings.businessEndHour) "
                + "or toint(dayofweek(\(time)) / 1d) in (0, 6)\n\(firstArrival)\n"
                + "| project \(time), ingested_at, \(c(.eventType)), \(c(.actorID)), \(c(.actorName)), "
                + "\(c(.targetType)), \(c(.targetID)), entity_name = \(c(.entityName))"
        case .configurationBurst:
            return "\(table)\n| where \(c(.timestamp)) > ago(\(settings.burstWindowSecs)s)\n"
                + "| where \(audit) and \(changesOnly)\n"
                + "| summarize arg_max(\(c(.timestamp)), *) by \(c(.eventID))\n"
                + "| summarize changes = count(), targets = dcount(\(c(.targetID))), event_types = make_set(\(c(.eventType))), "
                + "actor_names = make_set(\(c(.actorName))) by \(c(.actorID))\n"
                + "| where changes >= \(settings.burstThreshold)"
        case .deliveryLag:
            return "\(table)\n| extend ingested_at = ingestion_time()\n| where ingested_at > ago(15m)\n"
                + "\(firstArrival)\n"
                + "| extend lag_secs = datetime_diff(\"second\", ingested_at, \(c(.timestamp)))\n"
                + "| where lag_secs > \(settings.lagThresholdSecs)\n"
                + "| summarize late_events = count(), max_lag_secs = max(lag_secs) by \(c(.platform)), \(c(.sourceKind))"
        case .deliverySilence:
            return "\(table)\n| where ingestion_time() > ago(\(max(settings.lagThresholdSecs, 300))s)\n"
                + "| summarize delivered = count()\n| where delivered == 0"
        }
    }

    /// How often the alert runs and how far back (`TimeGenerated`) it reads.
    func window(for alert: AlertCatalog.Alert) -> SentinelRuleWindow {
        switch alert {
        case .oauthClientViewed, .privilegeChangeOffHours:
            SentinelRuleWindow(frequencySecs: Self.frequencySecs, periodSecs: Self.arrivalLookbackSecs)
        case .configurationBurst:
            SentinelRuleWindow(
                frequencySecs: Self.frequencySecs, periodSecs: max(input.alerts.burstWindowSecs, Self.frequencySecs))
        case .deliveryLag, .deliverySilence:
            SentinelRuleWindow(frequencySecs: Self.frequencySecs, periodSecs: 86400)
        }
    }

    private func list(_ values: [String]) -> String { values.map(quoted).joined(separator: ", ") }
}

/// An analytics rule's schedule: `queryFrequency` and `queryPeriod` (the lookback Sentinel applies
/// to `TimeGenerated`), as ISO 8601 durations in the rule.
struct SentinelRuleWindow: Equatable {
    /// How often the rule runs, in seconds.
    var frequencySecs: Int
    /// How far back, by `TimeGenerated`, the rule reads, in seconds.
    var periodSecs: Int

    /// `seconds` as an ISO 8601 duration: `PT5M`, `PT1H`, `P7D`.
    static func iso8601(_ seconds: Int) -> String {
        if seconds % 86400 == 0 { return "P\(seconds / 86400)D" }
        if seconds % 3600 == 0 { return "PT\(seconds / 3600)H" }
        if seconds % 60 == 0 { return "PT\(seconds / 60)M" }
        return "PT\(seconds)S"
    }
}
