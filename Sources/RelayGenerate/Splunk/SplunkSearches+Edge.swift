/// Edge CPU and memory, from the edge metrics events (`source_kind=edge_metrics`, one per edge and
/// report, `attributes.edge_name`, `attributes.cpu_pct`, `attributes.memory_used_pct`).
extension SplunkSearches {
    private var edges: String {
        "`\(Self.eventsMacro)` \(SchemaField.sourceKind)=\(quoted(AlertCatalog.edgeSourceKind)) | `\(Self.dedupMacro)`"
    }

    /// The highest value of the alert's metric per edge in the window, kept above the threshold.
    func search(for alert: AlertCatalog.EdgeAlert) -> String {
        let metric = alert.field
        return "\(edges) | stats max(\(metric)) AS max_pct latest(\(metric)) AS latest_pct max(_time) AS _time "
            + "BY \(AlertCatalog.edgeName) \(SchemaField.targetID) "
            + "| where max_pct > \(alert.threshold(input.alerts))"
    }

    /// The highest value per edge per 5 minutes, the metric of one alert.
    func panel(for alert: AlertCatalog.EdgeAlert) -> String {
        "\(edges) | timechart span=5m max(\(alert.field)) BY \(AlertCatalog.edgeName) limit=20"
    }

    /// The edge alert's window: every 5 minutes over the last 10 (edges report about once a minute).
    static let edgeWindow = SplunkAlertWindow(earliest: "-10m", latest: "now")
}
