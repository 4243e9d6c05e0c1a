/// Edge CPU and memory from the edge metrics events, for the edge alerts and dashboard panels.
extension SumoQueries {
    private func edges(_ alert: AlertCatalog.EdgeAlert) -> String {
        let metric = alert.field.shortName
        return "\(scope)\n| \(Self.extract([.eventID, .sourceKind, .targetID, AlertCatalog.edgeName, alert.field]))\n"
            + "| where \(SchemaField.sourceKind.shortName) = \(quoted(AlertCatalog.edgeSourceKind))\n"
            + "| dedup by \(SchemaField.eventID.shortName)\n"
            + "| num(\(metric)) as \(metric)\n"
    }

    /// The metric's highest value per edge in the window, kept above the threshold.
    func query(for alert: AlertCatalog.EdgeAlert) -> String {
        edges(alert)
            + "| max(\(alert.field.shortName)) as max_pct by \(AlertCatalog.edgeName.shortName), \(SchemaField.targetID.shortName)\n"
            + "| where max_pct > \(alert.threshold(input.alerts))"
    }

    /// The metric's highest value per edge per 5 minutes, one column per edge.
    func panel(for alert: AlertCatalog.EdgeAlert) -> String {
        edges(alert) + "| timeslice 5m\n"
            + "| max(\(alert.field.shortName)) as max_pct by _timeslice, \(AlertCatalog.edgeName.shortName)\n"
            + "| transpose row _timeslice column \(AlertCatalog.edgeName.shortName)"
    }
}
