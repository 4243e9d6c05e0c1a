import Foundation
import RelayAlerts
import RelayConfig
import RelayCore
import RelayGenerate
import RelayOperations
import RelayRuntime
import RelayState
import Testing

@Suite("OAuth-secret alert: privileged-clients lookup and paging from the alert targets")
struct GeneratePagingTests {
    typealias Support = GenerateTestSupport

    static let savedSearches = "splunk/ccrelay_content/default/savedsearches.conf"
    static let oauth = AlertCatalog.Alert.oauthClientViewed

    static var paged: GenerateInput {
        var input = Support.input
        input.pagingTargets = [
            PagingTarget(name: "soc-hook", kind: .webhook), PagingTarget(name: "oncall", kind: .pagerduty),
        ]
        input.privilegedClients = ["c-admin", "c-etl"]
        return input
    }

    @Test("Splunk pages from the OAuth-secret alert only, with no secret in the action (Splunk's conf parser)")
    func splunkActions() async throws {
        let stanzas = try await Support.confStanzas(Self.savedSearches, of: Support.files(.splunk, Self.paged))
        let oauth = try #require(stanzas[Self.oauth.title])
        #expect(oauth["action.webhook"] == "1")
        #expect(oauth["action.webhook.param.url"] == "https://soc-hook.ccrelay-alert-target.invalid/")
        #expect(oauth["action.pagerduty"] == "1")
        for (name, settings) in stanzas where name != Self.oauth.title {
            #expect(!settings.keys.contains { $0.hasPrefix("action.") }, "\(name)")
        }
        let plain = try await Support.confStanzas(Self.savedSearches, of: Support.files(.splunk))
        #expect(!(plain[Self.oauth.title] ?? [:]).keys.contains { $0.hasPrefix("action.") })
    }

    @Test("the Splunk lookup starts with every client, or with the listed ones, and scopes the alert")
    func splunkLookup() async throws {
        let lookup = "splunk/ccrelay_content/lookups/ccrelay_privileged_clients.csv"
        #expect(
            Support.files(.splunk)[lookup]
                == "client_id,client_name,privileged\n*,every OAuth client until you list yours,true\n")
        #expect(
            Support.files(.splunk, Self.paged)[lookup]
                == "client_id,client_name,privileged\nc-admin,,true\nc-etl,,true\n")
        let transforms = try await Support.confStanzas(
            "splunk/ccrelay_content/default/transforms.conf", of: Support.files(.splunk))
        let definition = try #require(transforms["ccrelay_privileged_clients"])
        #expect(definition["filename"] == "ccrelay_privileged_clients.csv")
        #expect(definition["match_type"] == "WILDCARD(client_id)")
        let search = try #require(
            try await Support.confStanzas(Self.savedSearches, of: Support.files(.splunk))[Self.oauth.title]?["search"])
        #expect(
            search.contains(
                #"| lookup ccrelay_privileged_clients client_id AS target_id OUTPUT privileged | where privileged=="true" |"#
            ))
    }

    @Test("Datadog mentions the targets in the OAuth monitor and scopes its query to the listed clients")
    func datadog() throws {
        func monitor(_ input: GenerateInput) throws -> JSONValue {
            try JSONParser.parse(
                Array(try #require(Support.files(.datadog, input)["datadog/monitors/oauth_client_viewed.json"]).utf8))
        }
        let paged = try monitor(Self.paged)
        #expect(paged["message"]?.stringValue?.hasSuffix(" @webhook-soc-hook @pagerduty-oncall") == true)
        #expect(paged["query"]?.stringValue?.contains("@target_id:(c-admin OR c-etl)") == true)
        let plain = try monitor(Support.input)
        #expect(plain["message"]?.stringValue?.contains("@") == false)
        #expect(plain["query"]?.stringValue?.contains("@target_id") == false)
        let readme = try #require(Support.files(.datadog)["datadog/README.md"])
        #expect(readme.contains("No paging: the configuration has no alert target"))
    }

    @Test("Sumo notifies the first target's connection from the OAuth search and looks up the clients")
    func sumo() throws {
        func search(_ input: GenerateInput) throws -> JSONValue {
            let json = try JSONParser.parse(
                Array(try #require(Support.files(.sumo, input)["sumo/saved-searches.json"]).utf8))
            return try #require(json["children"]?.arrayValue?.first { $0["name"]?.stringValue == Self.oauth.title })
        }
        let paged = try search(Self.paged)["searchSchedule"]?["notification"]
        #expect(paged?["taskType"] == "WebhookSearchNotificationSyncDefinition")
        #expect(paged?["webhookId"] == "REPLACE_WITH_ID_OF_CONNECTION_soc-hook")
        let plain = try search(Support.input)
        #expect(plain["searchSchedule"]?["notification"]?["taskType"] == "EmailSearchNotificationSyncDefinition")
        let query = try #require(plain["search"]?["queryText"]?.stringValue)
        #expect(
            query.contains(
                #"| lookup privileged from path://"/Library/Admin Recommended/ccrelay/ccrelay_privileged_clients" on target_id=client_id"#
            ))
        #expect(query.contains(#"| where privileged = "true" or every_client = "true""#))
        #expect(Support.files(.sumo)["sumo/lookups/ccrelay_privileged_clients.csv"]?.contains("\n*,") == true)
    }

    @Test("without paging targets, each README says how to add one")
    func readmesWithoutTargets() throws {
        for (target, path) in [
            (GenerateTarget.splunk, "splunk/README.md"), (.datadog, "datadog/README.md"), (.sumo, "sumo/README.md"),
        ] {
            let readme = try #require(Support.files(target)[path])
            #expect(readme.contains("alert target of type `webhook` or `pagerduty`"), "\(path)")
            #expect(readme.contains("`alerts.targets`"), "\(path)")
        }
    }

    @Test("the paging targets come from the configuration's webhook and PagerDuty alert targets, by name")
    func fromConfiguration() {
        let configuration = RelayConfiguration(
            state: StateConfiguration(), sources: [], routes: [], sinks: [],
            alerts: AlertsConfiguration(targets: [
                AlertTarget(name: "hook", kind: .webhook, url: "https://hooks.example/secret-path"),
                AlertTarget(name: "chat", kind: .slack, url: "https://hooks.slack.com/services/x"),
                AlertTarget(name: "pd", kind: .pagerduty, url: AlertTarget.pagerDutyEventsURL, routingKey: "rk"),
            ]))
        let input = GenerateInput.from(configuration)
        #expect(
            input.pagingTargets == [
                PagingTarget(name: "hook", kind: .webhook), PagingTarget(name: "pd", kind: .pagerduty),
            ])
        for target in [GenerateTarget.splunk, .datadog, .sumo] {
            for file in target.files(for: input) {
                #expect(
                    !file.contents.contains("secret-path") && !file.contents.contains("hooks.example"), "\(file.path)")
            }
        }
    }
}
