import RelayCore

/// Edge CPU and memory in Datadog: a monitor per ``AlertCatalog/EdgeAlert`` over the highest value
/// per edge, and a timeseries widget per metric, from the edge metrics events.
struct DatadogEdgeContent {
    let input: GenerateInput
    private var queries: DatadogQueries { DatadogQueries(input: input) }

    /// `service:ccrelay @source_kind:edge_metrics`.
    var edgeEvents: String {
        "\(queries.events) \(DatadogQueries.facet(.sourceKind)):\(AlertCatalog.edgeSourceKind)"
    }

    /// A log monitor on the metric's maximum per edge over 10 minutes.
    func monitor(for alert: AlertCatalog.EdgeAlert) -> JSONValue {
        let threshold = alert.threshold(input.alerts)
        let query =
            "logs(\(quoted(edgeEvents))).index(\"*\").rollup(\"max\", \(quoted(DatadogQueries.facet(alert.field))))"
            + ".by(\(quoted(DatadogQueries.facet(AlertCatalog.edgeName)))).last(\"10m\") > \(threshold)"
        return [
            "name": .string(alert.title(input.alerts)),
            "type": "log alert",
            "query": .string(query),
            "message": .string(alert.summary),
            "tags": ["generated_by:ccrelay", .string("ccrelay_alert:\(alert.rawValue)")],
            "priority": 3,
            "options": [
                "thresholds": ["critical": .number(JSONNumber(threshold))],
                "enable_logs_sample": false,
                "notify_no_data": false,
                "include_tags": true,
                "renotify_interval": 30,
            ],
        ]
    }

    /// The metric's highest value per edge, one line per edge.
    func widget(for alert: AlertCatalog.EdgeAlert) -> JSONValue {
        [
            "definition": [
                "type": "timeseries",
                "title": .string(
                    alert == .cpu ? "Edge CPU % (highest per edge)" : "Edge memory used % (highest per edge)"),
                "show_legend": true,
                "markers": [
                    [
                        "value": .string("y = \(alert.threshold(input.alerts))"), "display_type": "error dashed",
                        "label": "alert threshold",
                    ]
                ],
                "requests": [
                    [
                        "response_format": "timeseries",
                        "queries": [
                            [
                                "data_source": "logs", "name": "edge", "indexes": ["*"],
                                "compute": [
                                    "aggregation": "max", "metric": .string(DatadogQueries.facet(alert.field)),
                                ],
                                "search": ["query": .string(edgeEvents)],
                                "group_by": [
                                    [
                                        "facet": .string(DatadogQueries.facet(AlertCatalog.edgeName)), "limit": 20,
                                        "sort": [
                                            "aggregation": "max", "metric": .string(DatadogQueries.facet(alert.field)),
                                            "order": "desc",
                                        ],
                                    ]
                                ],
                            ]
                        ],
                        "formulas": [["formula": "edge"]], "display_type": "line",
                    ]
                ],
            ]
        ]
    }
}
