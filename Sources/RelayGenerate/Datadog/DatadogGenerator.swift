import RelayCore

/// Datadog content for the public API: a logs pipeline (`POST /api/v1/logs/config/pipelines`),
/// log monitors (`POST /api/v1/monitor`, one file each), a business-hours downtime
/// (`POST /api/v2/downtime`) and a dashboard (`POST /api/v1/dashboard`).
struct DatadogGenerator {
    let input: GenerateInput
    private var queries: DatadogQueries { DatadogQueries(input: input) }

    func files() -> [GeneratedFile] {
        var files = [
            GeneratedFile(path: "datadog/logs-pipeline.json", contents: PrettyJSON.render(pipeline)),
            GeneratedFile(path: "datadog/dashboard.json", contents: PrettyJSON.render(dashboard)),
            GeneratedFile(
                path: "datadog/README.md", contents: ContentNotes.readme(.datadog) + DatadogNotes(input: input).readme),
            GeneratedFile(
                path: "datadog/downtime-business-hours.json", contents: PrettyJSON.render(businessHoursDowntime)),
        ]
        for alert in AlertCatalog.Alert.allCases {
            guard let monitor = monitor(for: alert) else { continue }
            files.append(
                GeneratedFile(path: "datadog/monitors/\(alert.rawValue).json", contents: PrettyJSON.render(monitor)))
        }
        let edges = DatadogEdgeContent(input: input)
        for alert in AlertCatalog.EdgeAlert.allCases {
            files.append(
                GeneratedFile(
                    path: "datadog/monitors/\(alert.rawValue).json",
                    contents: PrettyJSON.render(edges.monitor(for: alert))
                ))
        }
        return files
    }

    /// Maps `actor_id`/`actor_name` to `usr.*`, `event_type` to `evt.name` (Datadog's standard
    /// attributes); sources are kept. No date remapper: the sink sends the event's time as
    /// `event_time`, so Datadog dates each log at intake and monitors select by arrival (README).
    var pipeline: JSONValue {
        func remap(_ field: SchemaField, to target: String) -> JSONValue {
            [
                "type": "attribute-remapper", "name": .string("\(field.path) to \(target)"), "is_enabled": true,
                "sources": [.string(field.path)], "source_type": "attribute", "target": .string(target),
                "target_type": "attribute", "preserve_source": true, "override_on_conflict": false,
            ]
        }
        return [
            "name": "ccrelay normalized events",
            "is_enabled": true,
            "filter": ["query": .string(queries.events)],
            "processors": [
                remap(.actorID, to: "usr.id"),
                remap(.actorName, to: "usr.name"),
                remap(.eventType, to: "evt.name"),
            ],
        ]
    }

    /// Tag shared by the monitors the business-hours downtime mutes.
    static let offHoursTag = "ccrelay_schedule:off_hours"

    func monitor(for alert: AlertCatalog.Alert) -> JSONValue? {
        guard let query = queries.query(for: alert) else { return nil }
        let settings = input.alerts
        let search = "logs(\(quoted(query))).index(\"*\")"
        let monitorQuery: String
        let critical: Int
        switch alert {
        case .configurationBurst:
            monitorQuery =
                "\(search).rollup(\"count\").by(\(quoted(DatadogQueries.facet(.actorID)))).last(\"\(minutes(settings.burstWindowSecs))m\") >= \(settings.burstThreshold)"
            critical = settings.burstThreshold
        case .deliverySilence:
            monitorQuery = "\(search).rollup(\"count\").last(\"\(minutes(settings.lagThresholdSecs))m\") < 1"
            critical = 1
        default:
            monitorQuery = "\(search).rollup(\"count\").last(\"5m\") > 0"
            critical = 0
        }
        var tags: [JSONValue] = ["generated_by:ccrelay", .string("ccrelay_alert:\(alert.rawValue)")]
        if alert == .privilegeChangeOffHours { tags.append(.string(Self.offHoursTag)) }
        let mentions = alert == .oauthClientViewed ? DatadogNotes.mentions(input.pagingTargets) : []
        return [
            "name": .string(alert.title),
            "type": "log alert",
            "query": .string(monitorQuery),
            "message": .string(([alert.summary] + mentions).joined(separator: " ")),
            "tags": .array(tags),
            "priority": alert == .oauthClientViewed || alert == .deliverySilence ? 1 : 2,
            "options": [
                "thresholds": ["critical": .number(JSONNumber(critical))],
                "enable_logs_sample": true,
                "notify_no_data": false,
                "include_tags": true,
                "on_missing_data": alert == .deliverySilence ? "show_and_notify_no_data" : "default",
            ],
        ]
    }

    /// Mutes the off-hours monitors during business hours (weekdays, UTC).
    var businessHoursDowntime: JSONValue {
        let settings = input.alerts
        let hours = max(settings.businessEndHour - settings.businessStartHour, 1)
        let start = "2025-01-06T\(two(settings.businessStartHour)):00:00"
        return [
            "data": [
                "type": "downtime",
                "attributes": [
                    "scope": "*",
                    "monitor_identifier": ["monitor_tags": [.string(Self.offHoursTag)]],
                    "schedule": [
                        "recurrences": [
                            [
                                "rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "duration": .string("\(hours)h"),
                                "start": .string(start),
                            ]
                        ],
                        "timezone": "UTC",
                    ],
                    "display_timezone": "UTC",
                    "message": "Business hours: role and permission changes are expected (generated by ccrelay).",
                    "mute_first_recovery_notification": true,
                ],
            ]
        ]
    }

    var dashboard: JSONValue {
        let status = input.backend.errorStatus
        func logQuery(_ name: String, _ search: String, groupBy: JSONValue = []) -> JSONValue {
            [
                "data_source": "logs", "name": .string(name), "indexes": ["*"], "compute": ["aggregation": "count"],
                "search": ["query": .string(search)], "group_by": groupBy,
            ]
        }
        let eventTypeGroup: JSONValue = [
            [
                "facet": .string(DatadogQueries.facet(.eventType)), "limit": 10,
                "sort": ["aggregation": "count", "order": "desc"],
            ]
        ]
        let actorGroup: JSONValue = [
            [
                "facet": .string(DatadogQueries.facet(.actorName)), "limit": 10,
                "sort": ["aggregation": "count", "order": "desc"],
            ]
        ]
        return [
            "title": "ccrelay: abandonment vs backend errors, audit activity",
            "description": "Generated by `ccrelay generate datadog` from ccrelay's normalized schema.",
            "layout_type": "ordered",
            "widgets": [
                [
                    "definition": [
                        "type": "timeseries",
                        "title": .string(
                            "Disconnects by the other party (disconnect_type=PEER) vs backend HTTP \(status)"),
                        "show_legend": true,
                        "requests": [
                            [
                                "response_format": "timeseries",
                                "queries": [
                                    logQuery("hangups", queries.hangUps),
                                    logQuery("backend_errors", queries.backendErrors),
                                ],
                                "formulas": [
                                    ["formula": "hangups", "alias": "disconnects by the other party"],
                                    ["formula": "backend_errors", "alias": .string("backend HTTP \(status)")],
                                ],
                                "display_type": "line",
                            ]
                        ],
                    ]
                ],
                abandonmentWidget,
                [
                    "definition": [
                        "type": "timeseries", "title": "Audit events by type", "show_legend": true,
                        "requests": [
                            [
                                "response_format": "timeseries",
                                "queries": [logQuery("audit", queries.auditEvents, groupBy: eventTypeGroup)],
                                "formulas": [["formula": "audit"]], "display_type": "bars",
                            ]
                        ],
                    ]
                ],
                DatadogEdgeContent(input: input).widget(for: .cpu),
                DatadogEdgeContent(input: input).widget(for: .memory),
                [
                    "definition": [
                        "type": "toplist", "title": "Busiest actors",
                        "requests": [
                            [
                                "response_format": "scalar",
                                "queries": [logQuery("actors", queries.auditEvents, groupBy: actorGroup)],
                                "formulas": [["formula": "actors"]],
                            ]
                        ],
                    ]
                ],
            ],
        ]
    }

    /// Abandoned conversations as Genesys defines an abandon (see ``AlertCatalog/queueEntryEventType``).
    /// Log queries cannot join events, so a table grouped by conversation computes, per conversation,
    /// 1 when it was queued, never connected to an agent and ended by the customer, else 0.
    var abandonmentWidget: JSONValue {
        let byConversation: JSONValue = [
            [
                "facet": .string(DatadogQueries.facet(.conversationID)), "limit": 100,
                "sort": ["aggregation": "count", "order": "desc"],
            ]
        ]
        func count(_ name: String, _ search: String) -> JSONValue {
            [
                "data_source": "logs", "name": .string(name), "indexes": ["*"], "compute": ["aggregation": "count"],
                "search": ["query": .string(search)], "group_by": byConversation,
            ]
        }
        return [
            "definition": [
                "type": "query_table",
                "title": "Abandoned conversations (Genesys: queued, no agent connected, customer hung up)",
                "requests": [
                    [
                        "response_format": "scalar",
                        "queries": [
                            count("queued", queries.conversationEvents(AlertCatalog.queueEntryEventType)),
                            count("agent", queries.conversationEvents(AlertCatalog.agentConnectEventType)),
                            count(
                                "customer_left",
                                queries.conversationEvents(
                                    AlertCatalog.customerEndEventType, disconnectType: AlertCatalog.ownSideHangUp)),
                        ],
                        "formulas": [
                            [
                                "formula":
                                    "clamp_max(queued, 1) * clamp_max(customer_left, 1) * (1 - clamp_max(default_zero(agent), 1))",
                                "alias": "abandoned", "limit": ["count": 100, "order": "desc"],
                            ]
                        ],
                    ]
                ],
            ]
        ]
    }

    private func minutes(_ seconds: Int) -> Int { max((seconds + 59) / 60, 1) }
    private func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
