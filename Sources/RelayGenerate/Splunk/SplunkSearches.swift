/// The SPL of every generated search, built from ``SchemaField``s and the ``AlertCatalog``.
///
/// Searches start with the `ccrelay_events` macro (the sinks' indexes and sourcetypes) and use
/// `ccrelay_dedup` (`dedup event_id`) so resent batches never count twice.
struct SplunkSearches {
    let input: GenerateInput

    static let eventsMacro = "ccrelay_events"
    static let dedupMacro = "ccrelay_dedup"

    /// `(index="ccas" sourcetype="ccas:auditlog") OR (...)`, one group per Splunk sink.
    var eventsMacroDefinition: String {
        var seen: [String] = []
        for sink in input.splunk {
            let group = "(index=\(quoted(sink.index)) sourcetype=\(quoted(sink.sourcetype)))"
            if !seen.contains(group) { seen.append(group) }
        }
        return seen.joined(separator: " OR ")
    }

    /// `dedup event_id keepempty=true`: events without an id (another source's) are kept.
    var dedupMacroDefinition: String { "dedup \(SchemaField.eventID) keepempty=true" }

    private var events: String { "`\(Self.eventsMacro)`" }
    private var dedup: String { "`\(Self.dedupMacro)`" }

    /// `NOT event_type IN ("*_VIEWED", ...)`: only actions that change something.
    private var changesOnly: String {
        "NOT \(SchemaField.eventType) IN (\(AlertCatalog.readOnlyEventTypeSuffixes.map { quoted("*" + $0) }.joined(separator: ", ")))"
    }

    private var audit: String { "\(SchemaField.sourceKind)=\(quoted(AlertCatalog.auditSourceKind))" }

    /// `eval indexed_at=...`: when the event reached Splunk, shown beside its event time `_time`.
    private var arrival: String { "eval indexed_at=strftime(_indextime, \"%Y-%m-%dT%H:%M:%S%z\")" }

    /// The alert's search.
    func search(for alert: AlertCatalog.Alert) -> String {
        let settings = input.alerts
        switch alert {
        case .oauthClientViewed:
            return "\(events) \(audit) \(SchemaField.targetType) IN (\(list(AlertCatalog.oauthClientEntityTypes))) "
                + "\(SchemaField.eventType) IN (\(list(AlertCatalog.oauthClientReadEventTypes))) | \(dedup) "
                + "| \(SplunkPaging(input: input).scope) | \(arrival) "
                + "| table _time indexed_at \(SchemaField.platform) \(SchemaField.eventType) \(SchemaField.actorID) \(SchemaField.actorName) "
                + "\(SchemaField.targetID) \(SchemaField.entityName) \(SchemaField.remoteIP)"
        case .privilegeChangeOffHours:
            // Hours and weekdays in UTC from epoch seconds (1970-01-01 was a Thursday: day 2 is Saturday, 3 Sunday).
            return
                "\(events) \(audit) \(SchemaField.targetType) IN (\(list(AlertCatalog.privilegeEntityTypes))) \(changesOnly) "
                + "| \(dedup) | eval utc_hour=floor((_time % 86400) / 3600), utc_day=floor(_time / 86400) % 7 "
                + "| where utc_hour < \(settings.businessStartHour) OR utc_hour >= \(settings.businessEndHour) OR utc_day == 2 OR utc_day == 3 "
                + "| \(arrival) | table _time indexed_at \(SchemaField.eventType) \(SchemaField.actorID) \(SchemaField.actorName) \(SchemaField.targetType) "
                + "\(SchemaField.targetID) \(SchemaField.entityName)"
        case .configurationBurst:
            return "\(events) \(audit) \(changesOnly) | \(dedup) "
                + "| stats count AS changes dc(\(SchemaField.targetID)) AS targets values(\(SchemaField.eventType)) AS event_types "
                + "values(\(SchemaField.actorName)) AS actor_names BY \(SchemaField.actorID) "
                + "| where changes >= \(settings.burstThreshold)"
        case .deliveryLag:
            return "\(events) _index_earliest=-15m | \(dedup) | eval lag_secs=_indextime - _time "
                + "| where lag_secs > \(settings.lagThresholdSecs) "
                + "| stats count AS late_events max(lag_secs) AS max_lag_secs BY \(SchemaField.platform) \(SchemaField.sourceKind)"
        case .deliverySilence:
            return "\(events) | stats count AS delivered | where delivered == 0"
        }
    }

    /// The alert's time window; every alert runs every 5 minutes.
    ///
    /// The security alerts (``AlertCatalog/Alert/selectsByArrival``) select events by arrival,
    /// not by event time: index time from -10m@m to -5m@m, so each scheduled run sees
    /// what was indexed in its 5 minutes once, however late the event reached Splunk
    /// (throttling, outage backlog, backfill, records Genesys persists late). The event-time
    /// bound is widened to `-7d` (ccrelay's dedup window) so such events are inside it.
    func window(for alert: AlertCatalog.Alert) -> SplunkAlertWindow {
        switch alert {
        case .oauthClientViewed, .privilegeChangeOffHours:
            SplunkAlertWindow(earliest: "-7d", latest: "now", indexEarliest: "-10m@m", indexLatest: "-5m@m")
        case .deliveryLag: SplunkAlertWindow(earliest: "-24h", latest: "now")
        case .configurationBurst: SplunkAlertWindow(earliest: "-\(input.alerts.burstWindowSecs)s", latest: "now")
        case .deliverySilence:
            SplunkAlertWindow(earliest: "-\(max(input.alerts.lagThresholdSecs, 300))s", latest: "now")
        }
    }

    /// Disconnects by the other party (`PEER`) and backend HTTP errors on one time chart, as two series.
    var abandonmentOverlay: String {
        let backend = input.backend
        return "(\(events) \(SchemaField.sourceKind)=\(quoted(AlertCatalog.conversationSourceKind)) "
            + "\(SchemaField.disconnectType)=\(quoted(AlertCatalog.customerHangUp))) "
            + "OR (index=\(quoted(backend.splunkIndex)) \(backend.splunkStatusField)=\(backend.errorStatus)) | \(dedup) "
            + "| eval series=if(isnull(\(SchemaField.eventID)), \"backend_http_\(backend.errorStatus)\", \"peer_disconnects\") "
            + "| timechart count BY series"
    }

    /// Abandoned conversations per 5 minutes, as Genesys defines an abandon (see
    /// ``AlertCatalog/queueEntryEventType``): queued, no agent connected, the customer hung up.
    var abandonment: String {
        let type = SchemaField.eventType
        return "\(events) \(SchemaField.sourceKind)=\(quoted(AlertCatalog.conversationSourceKind)) "
            + "\(type) IN (\(list(AlertCatalog.abandonmentEventTypes))) | \(dedup) "
            + "| eval queued=if(\(type)==\(quoted(AlertCatalog.queueEntryEventType)), 1, 0), "
            + "agent_connected=if(\(type)==\(quoted(AlertCatalog.agentConnectEventType)), 1, 0), "
            + "customer_left=if(\(type)==\(quoted(AlertCatalog.customerEndEventType)) AND "
            + "'\(SchemaField.disconnectType)'==\(quoted(AlertCatalog.ownSideHangUp)), 1, 0) "
            + "| stats max(queued) AS queued max(agent_connected) AS agent_connected max(customer_left) AS customer_left "
            + "max(_time) AS _time BY \(SchemaField.conversationID) "
            + "| where queued == 1 AND agent_connected == 0 AND customer_left == 1 "
            + "| timechart span=5m count AS abandoned"
    }

    /// Audit events over time by event type.
    var auditActivity: String {
        "\(events) \(audit) | \(dedup) | timechart count BY \(SchemaField.eventType) limit=10"
    }

    /// The busiest actors.
    var topActors: String {
        "\(events) \(audit) | \(dedup) | stats count AS events dc(\(SchemaField.eventType)) AS event_types "
            + "BY \(SchemaField.actorID) \(SchemaField.actorName) | sort - events | head 10"
    }

    /// Audit events by Genesys service.
    var byService: String {
        "\(events) \(audit) | \(dedup) | stats count AS events BY \(SchemaField.platform) \(SchemaField.serviceName) | sort - events"
    }

    /// Every search of the dashboard, for tests.
    var dashboardSearches: [String] {
        [abandonmentOverlay, abandonment, auditActivity, topActors, byService]
            + AlertCatalog.EdgeAlert.allCases.map(panel(for:))
    }

    private func list(_ values: [String]) -> String { values.map(quoted).joined(separator: ", ") }
}

/// A saved search's dispatch window (`dispatch.earliest_time`, `dispatch.latest_time` and, when
/// the alert selects by arrival, `dispatch.index_earliest`, `dispatch.index_latest`).
struct SplunkAlertWindow: Equatable {
    /// Event-time (`_time`) lower bound.
    var earliest: String
    /// Event-time upper bound.
    var latest: String
    /// Index-time (`_indextime`) lower bound; `nil` when the alert selects by event time.
    var indexEarliest: String? = nil
    /// Index-time upper bound.
    var indexLatest: String? = nil
}

/// A double-quoted SPL / conf string.
func quoted(_ text: String) -> String {
    var out = "\""
    for character in text {
        if character == "\"" || character == "\\" { out.append("\\") }
        out.append(character)
    }
    return out + "\""
}
