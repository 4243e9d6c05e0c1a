/// The OAuth-secret alert's scope and paging in Splunk: an editable CSV lookup of high-privilege
/// OAuth clients (`lookups/ccrelay_privileged_clients.csv`, `transforms.conf`) and the alert actions
/// of the configuration's paging targets.
struct SplunkPaging {
    let input: GenerateInput

    static let lookupName = "ccrelay_privileged_clients"
    static let lookupFile = "\(lookupName).csv"
    /// The lookup's key column, matched against `target_id` (the OAuth client read).
    static let keyColumn = "client_id"
    /// The output column the alert keeps rows by.
    static let privilegedColumn = "privileged"
    /// The row a lookup starts with when no client is listed: every client counts.
    static let everyClient = "*"

    /// `client_id,client_name,privileged`; one row per listed client, else the `*` row.
    var lookupCSV: String {
        var out = "\(Self.keyColumn),client_name,\(Self.privilegedColumn)\n"
        if input.privilegedClients.isEmpty {
            out += "\(Self.everyClient),every OAuth client until you list yours,true\n"
        }
        for client in input.privilegedClients {
            out += "\(csvField(client)),,true\n"
        }
        return out
    }

    /// The lookup definition: wildcard match on the key, so the `*` row matches every client.
    var transformsConf: String {
        SplunkAppGenerator.header + """

            [\(Self.lookupName)]
            filename = \(Self.lookupFile)
            match_type = WILDCARD(\(Self.keyColumn))
            max_matches = 1
            case_sensitive_match = 0

            """
    }

    /// `| lookup ... | where privileged=="true"`: keeps reads of listed clients only.
    var scope: String {
        "lookup \(Self.lookupName) \(Self.keyColumn) AS \(SchemaField.targetID) OUTPUT \(Self.privilegedColumn) "
            + "| where \(Self.privilegedColumn)==\"true\""
    }

    /// A host that never resolves (RFC 6761 `.invalid`): a webhook action whose URL was not set
    /// fails visibly in Splunk's alert action log instead of posting anywhere.
    static func placeholderURL(_ target: PagingTarget) -> String {
        "https://\(target.name.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" }).ccrelay-alert-target.invalid/"
    }

    /// The saved search lines that page the first webhook and the first PagerDuty target (Splunk
    /// has one action of each kind per search); empty without paging targets.
    var actionLines: String {
        var out = ""
        if let webhook = input.pagingTargets.first(where: { $0.kind == .webhook }) {
            out += "action.webhook = 1\naction.webhook.param.url = \(Self.placeholderURL(webhook))\n"
        }
        if input.pagingTargets.contains(where: { $0.kind == .pagerduty }) {
            out += "action.pagerduty = 1\n"
        }
        return out
    }

    private func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + String(text.flatMap { $0 == "\"" ? "\"\"" : String($0) }) + "\"" : text
    }
}
