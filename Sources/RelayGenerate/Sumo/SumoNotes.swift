/// The Sumo Logic README's sections on the privileged-clients lookup table, paging and the edge
/// searches; appended to ``ContentNotes``' shared sections.
struct SumoNotes {
    let input: GenerateInput

    var readme: String {
        let paging: String
        if let target = SumoPaging(input: input).target {
            let kind = target.kind == .webhook ? "Webhook" : "PagerDuty"
            paging = """
                The search notifies the connection of alert target `\(target.name)` (a scheduled search has one
                notification; further targets are not used). Create a \(kind) connection (Manage Data > Monitoring >
                Connections) with the target's URL or integration key, and replace
                `\(SumoPaging.connectionPlaceholder(target))` in `saved-searches.json` with the connection's id
                before importing; the URL and key are secrets and are not in the generated files.
                """
        } else {
            paging = """
                No paging: the configuration has no alert target of type `webhook` or `pagerduty`, so the search
                notifies by email (fill in its recipients). To page, declare a target under `alerts.targets` in
                ccrelay's configuration and regenerate, or give the scheduled search a Webhook or PagerDuty connection.
                """
        }
        return """

            ## High-privilege OAuth clients and paging

            The search *\(AlertCatalog.Alert.oauthClientViewed.title)* keeps the reads of OAuth clients listed in
            a lookup table (Sumo's Lookup Tables and `lookup` operator,
            <https://www.sumologic.com/help/docs/search/search-query-language/search-operators/lookup>). Create it
            from `lookups/\(SplunkPaging.lookupFile)` (primary key `\(SplunkPaging.keyColumn)`) at
            `\(SumoPaging.lookupPath)`, or change the path in the query. Edit its rows to list your high-privilege
            client ids with `\(SplunkPaging.privilegedColumn)` = `true`; the row `\(SplunkPaging.everyClient)`
            (shipped when no client was given to `ccrelay generate sumo --privileged-client ID`) makes every client
            count: delete it once yours are listed.

            \(paging)

            ## Edge CPU and memory

            Two scheduled searches alert when an edge's highest CPU or memory use over 10 minutes exceeds
            \(input.alerts.edgeCPUPct) % or \(input.alerts.edgeMemoryPct) % (`--edge-cpu-threshold`,
            `--edge-memory-threshold`; defaults 85 %); the searches *ccrelay - Edge CPU per edge* and *ccrelay -
            Edge memory per edge* chart them per edge for a dashboard panel.

            """
    }
}
