import RelayCore

/// The OAuth-secret alert's scope and paging in Sumo Logic: a lookup table of high-privilege OAuth
/// clients (the CSV to upload, the path the query reads) and the scheduled search's webhook
/// notification to the connection of the first paging target.
struct SumoPaging {
    let input: GenerateInput

    /// Where the query expects the lookup table; the README says to create it there.
    static let lookupPath = "/Library/Admin Recommended/ccrelay/ccrelay_privileged_clients"

    /// The same CSV as Splunk's: `client_id,client_name,privileged`, `*` = every client.
    var lookupCSV: String { SplunkPaging(input: input).lookupCSV }

    /// Keeps reads of listed clients: a row for the client itself, or the `*` row for every client
    /// (Sumo lookups match exactly, so the `*` row is looked up with a constant key).
    var scope: String {
        let table = "path://\(quoted(Self.lookupPath))"
        let column = SplunkPaging.privilegedColumn
        return "| \"\(SplunkPaging.everyClient)\" as any_client\n"
            + "| lookup \(column) from \(table) on \(SchemaField.targetID.shortName)=\(SplunkPaging.keyColumn)\n"
            + "| lookup \(column) as every_client from \(table) on any_client=\(SplunkPaging.keyColumn)\n"
            + "| where \(column) = \"true\" or every_client = \"true\"\n"
    }

    /// The first paging target (a scheduled search has one notification).
    var target: PagingTarget? { input.pagingTargets.first }

    /// The connection id placeholder the README tells the operator to replace before importing.
    static func connectionPlaceholder(_ target: PagingTarget) -> String {
        "REPLACE_WITH_ID_OF_CONNECTION_\(target.name)"
    }

    /// A webhook notification to the target's connection (Webhook or PagerDuty connection type).
    func notification(_ target: PagingTarget) -> JSONValue {
        [
            "taskType": "WebhookSearchNotificationSyncDefinition",
            "webhookId": .string(Self.connectionPlaceholder(target)),
            "payload": nil,
            "itemizeAlerts": false,
            "maxItemizedAlerts": 1,
        ]
    }
}
