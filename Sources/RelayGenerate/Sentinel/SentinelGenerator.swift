import RelayCore
import RelaySinks

/// Microsoft Sentinel content, as ARM templates for `az deployment group create`: the custom table
/// `CCRelay_CL`, the data collection rule the `sentinel` sink posts to, the analytics rules of the
/// ``AlertCatalog``, and a README with the deployment steps.
///
/// The table's columns and the DCR's stream declaration are ``SentinelRowEncoder/columns``, the
/// list the sink writes rows from; the stream is ``SentinelSinkConfiguration/defaultStream``.
struct SentinelGenerator {
    let input: GenerateInput

    static let templateSchema = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
    /// The DCR's name for the workspace destination.
    static let destinationName = "ccrelayWorkspace"
    /// The output stream the DCR's data flow writes: `Custom-` and the table.
    static var outputStream: String { "Custom-" + SentinelRowEncoder.table }

    func files() -> [GeneratedFile] {
        [
            GeneratedFile(path: "sentinel/README.md", contents: SentinelReadme.text),
            GeneratedFile(path: "sentinel/table.json", contents: PrettyJSON.render(Self.tableTemplate)),
            GeneratedFile(path: "sentinel/dcr.json", contents: PrettyJSON.render(Self.dcrTemplate)),
            GeneratedFile(path: "sentinel/analytics-rules.json", contents: PrettyJSON.render(rulesTemplate)),
        ]
    }

    /// `[{"name": "TimeGenerated", "type": "datetime"}, ...]`, Log Analytics column types.
    static var columns: JSONValue {
        .array(SentinelRowEncoder.columns.map { ["name": .string($0.name), "type": .string($0.type)] })
    }

    private static func template(parameters: JSONValue, resources: [JSONValue], outputs: JSONValue? = nil) -> JSONValue
    {
        var template = members([
            "$schema": .string(templateSchema), "contentVersion": "1.0.0.0", "parameters": parameters,
            "resources": .array(resources),
        ])
        if let outputs { template["outputs"] = outputs }
        return .object(template)
    }

    private static let workspaceNameParameter: JSONValue = [
        "type": "string", "metadata": ["description": "The Log Analytics workspace Microsoft Sentinel uses."],
    ]

    /// `Microsoft.OperationalInsights/workspaces/tables`: `CCRelay_CL` on the Analytics plan.
    static var tableTemplate: JSONValue {
        template(
            parameters: ["workspaceName": workspaceNameParameter],
            resources: [
                [
                    "type": "Microsoft.OperationalInsights/workspaces/tables",
                    "apiVersion": "2022-10-01",
                    "name": .string("[format('{0}/{1}', parameters('workspaceName'), '\(SentinelRowEncoder.table)')]"),
                    "properties": [
                        "plan": "Analytics",
                        "schema": [
                            "name": .string(SentinelRowEncoder.table),
                            "description": "Contact-center audit and operational events delivered by ccrelay.",
                            "columns": columns,
                        ],
                    ],
                ]
            ])
    }

    /// `Microsoft.Insights/dataCollectionRules` of kind `Direct` (its own logs ingestion endpoint):
    /// stream `Custom-CCRelay` declared with the sink's columns, passed unchanged (`source`) to
    /// `CCRelay_CL`. Outputs the values the sink's configuration needs.
    static var dcrTemplate: JSONValue {
        let stream = SentinelSinkConfiguration.defaultStream
        let reference =
            "reference(resourceId('Microsoft.Insights/dataCollectionRules', parameters('dataCollectionRuleName')), '2023-03-11')"
        return template(
            parameters: [
                "dataCollectionRuleName": [
                    "type": "string", "defaultValue": "ccrelay-dcr",
                    "metadata": ["description": "The data collection rule's name."],
                ],
                "location": [
                    "type": "string", "defaultValue": "[resourceGroup().location]",
                    "metadata": ["description": "The rule's region: the workspace's region."],
                ],
                "workspaceResourceId": [
                    "type": "string",
                    "metadata": ["description": "The Log Analytics workspace's resource id (it holds CCRelay_CL)."],
                ],
            ],
            resources: [
                [
                    "type": "Microsoft.Insights/dataCollectionRules",
                    "apiVersion": "2023-03-11",
                    "name": "[parameters('dataCollectionRuleName')]",
                    "location": "[parameters('location')]",
                    "kind": "Direct",
                    "properties": [
                        "description": "ccrelay's events into CCRelay_CL (Logs Ingestion API).",
                        "streamDeclarations": .object(JSONObject([stream: ["columns": columns]])),
                        "destinations": [
                            "logAnalytics": [
                                [
                                    "workspaceResourceId": "[parameters('workspaceResourceId')]",
                                    "name": .string(destinationName),
                                ]
                            ]
                        ],
                        "dataFlows": [
                            [
                                "streams": [.string(stream)], "destinations": [.string(destinationName)],
                                "transformKql": "source", "outputStream": .string(outputStream),
                            ]
                        ],
                    ],
                ]
            ],
            outputs: [
                "endpoint": ["type": "string", "value": .string("[\(reference).endpoints.logsIngestion]")],
                "dcrImmutableId": ["type": "string", "value": .string("[\(reference).immutableId]")],
                "dataCollectionRuleId": [
                    "type": "string",
                    "value":
                        "[resourceId('Microsoft.Insights/dataCollectionRules', parameters('dataCollectionRuleName'))]",
                ],
            ])
    }

    /// `Microsoft.SecurityInsights/alertRules` of kind `Scheduled`, one per catalog alert.
    var rulesTemplate: JSONValue {
        let queries = SentinelQueries(input: input)
        return Self.template(
            parameters: ["workspaceName": Self.workspaceNameParameter],
            resources: AlertCatalog.Alert.allCases.map { rule(for: $0, queries: queries) })
    }

    private func rule(for alert: AlertCatalog.Alert, queries: SentinelQueries) -> JSONValue {
        let window = queries.window(for: alert)
        var properties = members([
            "displayName": .string(alert.title),
            "description": .string(alert.summary),
            "severity": .string(Self.severity(alert)),
            "enabled": true,
            "query": .string(queries.query(for: alert)),
            "queryFrequency": .string(SentinelRuleWindow.iso8601(window.frequencySecs)),
            "queryPeriod": .string(SentinelRuleWindow.iso8601(window.periodSecs)),
            "triggerOperator": "GreaterThan",
            "triggerThreshold": 0,
            "suppressionDuration": "PT5H",
            "suppressionEnabled": false,
            "eventGroupingSettings": ["aggregationKind": alert.selectsByArrival ? "AlertPerResult" : "SingleAlert"],
        ])
        if let tactics = Self.tactics[alert] { properties["tactics"] = .array(tactics.map { .string($0) }) }
        if alert.selectsByArrival {
            // The actor as an Account entity (its display name: Genesys ids are not Entra ids).
            properties["entityMappings"] = [
                [
                    "entityType": "Account",
                    "fieldMappings": [
                        ["identifier": "Name", "columnName": .string(SentinelQueries.column(.actorName))]
                    ],
                ]
            ]
        }
        return [
            "type": "Microsoft.SecurityInsights/alertRules",
            "apiVersion": "2023-02-01",
            "scope": "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspaceName'))]",
            "name": .string("[guid(parameters('workspaceName'), 'ccrelay', '\(alert.rawValue)')]"),
            "kind": "Scheduled",
            "properties": .object(properties),
        ]
    }

    private static func severity(_ alert: AlertCatalog.Alert) -> String {
        switch alert {
        case .oauthClientViewed: "High"
        case .privilegeChangeOffHours, .configurationBurst, .deliverySilence: "Medium"
        case .deliveryLag: "Low"
        }
    }

    /// MITRE ATT&CK tactics of the security alerts.
    private static let tactics: [AlertCatalog.Alert: [String]] = [
        .oauthClientViewed: ["CredentialAccess"],
        .privilegeChangeOffHours: ["PrivilegeEscalation", "Persistence"],
    ]
}
