/// The Datadog README's sections on the privileged-clients query list, paging and the edge
/// monitors; appended to ``ContentNotes``' shared sections.
struct DatadogNotes {
    let input: GenerateInput

    /// Datadog's notification mentions for the paging targets: `@webhook-NAME`, `@pagerduty-NAME`.
    static func mentions(_ targets: [PagingTarget]) -> [String] {
        targets.map { "@\($0.kind == .webhook ? "webhook" : "pagerduty")-\(handle($0.name))" }
    }

    /// A mention handle: the name with characters Datadog handles do not take replaced by `_`.
    static func handle(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." ? $0 : "_" })
    }

    var readme: String {
        let mentions = Self.mentions(input.pagingTargets)
        let paging =
            mentions.isEmpty
            ? """
            No paging: the configuration has no alert target of type `webhook` or `pagerduty`. To add one, declare
            it under `alerts.targets` in ccrelay's configuration and regenerate, or add an `@webhook-NAME` or
            `@pagerduty-SERVICE` mention to the monitor's message.
            """
            : """
            The monitor's message mentions \(mentions.map { "`\($0)`" }.joined(separator: ", ")), from the
            configuration's alert targets. Create a webhook of that name in the Webhooks integration (with the
            target's URL) and a PagerDuty service of that name in the PagerDuty integration (with its integration
            key); the URL and key are secrets and are not in the generated files.
            """
        let scope =
            input.privilegedClients.isEmpty
            ? "It is not scoped yet: with no client listed, every OAuth client read alerts."
            : "It is scoped to the \(input.privilegedClients.count) client id(s) given to `ccrelay generate`."
        return """

            ## Alerts by arrival: the log's date is its intake time

            Datadog dates a log by its `timestamp` attribute and refuses logs dated more than 18 hours in the past
            (<https://docs.datadoghq.com/api/latest/logs/send-logs/>, and the notes of
            <https://docs.datadoghq.com/logs/log_configuration/processors/log_date_remapper/>). ccrelay's Datadog
            sink therefore sends the event's own time as `event_time` and no `timestamp`, and the pipeline has no
            date remapper: Datadog dates each log when it receives it. The monitors' `last("5m")` windows then
            count what arrived in the last 5 minutes, however old the event: records Genesys persists late and an
            outage backlog alert when they arrive. Facet `@event_time` to search or sort by when things happened.
            The 18-hour limit therefore never applies: the sink sends events of any age, a long backfill's too.

            ## High-privilege OAuth clients and paging

            The monitor *\(AlertCatalog.Alert.oauthClientViewed.title)* selects the clients by a query list,
            `\(DatadogQueries.facet(.targetID)):(id1 OR id2)` in its query: edit the list in the monitor, or
            regenerate with `ccrelay generate datadog --privileged-client ID` (repeat). \(scope) A Reference
            Table would need an enrichment processor in the pipeline first, since monitor queries cannot read one
            directly; the query list needs nothing else.

            \(paging)

            ## Edge CPU and memory

            The dashboard charts the highest CPU and memory use per edge, and two monitors alert when an edge's
            maximum over 10 minutes exceeds \(input.alerts.edgeCPUPct) % CPU or \(input.alerts.edgeMemoryPct) %
            memory (`--edge-cpu-threshold`, `--edge-memory-threshold`; defaults 85 %).

            """
    }
}
