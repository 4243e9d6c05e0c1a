/// The Splunk README's sections on the CIM mapping, the privileged-clients lookup and paging, and
/// the edge alerts; appended to ``ContentNotes``' shared sections.
struct SplunkNotes {
    let input: GenerateInput

    var readme: String {
        let cim = SplunkCIM(input: input)
        let types = cim.eventTypes.map { "`\($0.name)` (tags \($0.tags.map { "`\($0)`" }.joined(separator: ", ")))" }
        let fields = cim.calculatedFields.map { "`\($0.field)`" }
        return """

            ## CIM mapping (Change, Authentication)

            `eventtypes.conf`, `tags.conf` and the CIM `EVAL-` settings of `props.conf` put ccrelay's
            audit events into the Common Information Model, so Splunk Enterprise Security's correlation searches
            and the `Change` and `Authentication` data models see them: \(types.joined(separator: ", ")).
            Fields set at search time: \(fields.joined(separator: ", ")). When the target is a user account
            (`target_type` \(AlertCatalog.accountEntityTypes.map { "`\($0)`" }.joined(separator: " or "))), `user`
            is that account and `src_user` whoever changed it; otherwise both name the actor.
            `status` and `action` are `failure` when the audit record's `status` is `FAILURE` or its event type
            ends in `_FAILED`. Sources: \(SplunkCIM.sources.map { "<\($0)>" }.joined(separator: ", ")).

            ## High-privilege OAuth clients and paging

            The alert *\(AlertCatalog.Alert.oauthClientViewed.title)* keeps the reads of OAuth clients listed in
            the lookup `\(SplunkPaging.lookupName)` (`lookups/\(SplunkPaging.lookupFile)`, defined in
            `transforms.conf` with a wildcard match on `\(SplunkPaging.keyColumn)`). \(lookupStart) Edit the
            lookup in place (Splunk's Lookup Editor app, or the file), one row per client id with
            `\(SplunkPaging.privilegedColumn)` = `true`; reinstalling a regenerated app overwrites it, so list your
            clients with `ccrelay generate splunk --privileged-client ID` as well.

            \(paging)

            ## Edge CPU and memory

            The dashboard charts the highest CPU and memory use per edge (edge metrics events,
            `attributes.cpu_pct`, `attributes.memory_used_pct`), and two saved searches alert when an edge exceeds
            \(input.alerts.edgeCPUPct) % CPU or \(input.alerts.edgeMemoryPct) % memory in the last 10 minutes
            (`ccrelay generate splunk --edge-cpu-threshold N --edge-memory-threshold N`; defaults 85 %), once per
            edge per 30 minutes. Push the topic `v2.telephony.providers.edges.{id}.metrics`.

            """
    }

    private var lookupStart: String {
        input.privilegedClients.isEmpty
            ? "It starts with the single row `*`: every client counts until you list yours."
            : "It starts with the \(input.privilegedClients.count) client(s) given to `ccrelay generate`."
    }

    private var paging: String {
        let webhook = input.pagingTargets.first { $0.kind == .webhook }
        let pagerDuty = input.pagingTargets.first { $0.kind == .pagerduty }
        guard webhook != nil || pagerDuty != nil else {
            return """
                No paging action: the configuration has no alert target of type `webhook` or `pagerduty`. To add one,
                declare it under `alerts.targets` in ccrelay's configuration and regenerate, or add a webhook or
                PagerDuty action to the saved search in Splunk.
                """
        }
        var lines: [String] = []
        if let webhook {
            lines.append(
                """
                Webhook (alert target `\(webhook.name)`): the alert has Splunk's webhook action with the placeholder
                URL `\(SplunkPaging.placeholderURL(webhook))` (a URL is a secret; generated content has none). Set
                the target's URL in `local/savedsearches.conf` (`action.webhook.param.url` under the alert's stanza)
                and add it to the webhook allow list (Splunk 9.0 and later).
                """)
        }
        if let pagerDuty {
            lines.append(
                """
                PagerDuty (alert target `\(pagerDuty.name)`): the alert has the `pagerduty` action of the PagerDuty App
                for Splunk; install the app and set its integration URL (the integration key of the target).
                """)
        }
        return lines.joined(separator: "\n\n")
    }
}
