import Foundation
import RelayCore
import RelayGenerate
import Testing

@Suite("Generated Splunk CIM mapping (Change, Authentication)")
struct GenerateCIMTests {
    typealias Support = GenerateTestSupport

    static let app = "splunk/ccrelay_content/default/"

    /// Tags of the CIM data models ccrelay's events belong to (Change: `change`, Account_Management
    /// `account`; Authentication: `authentication`).
    static let cimTags: Set<String> = ["change", "account", "authentication"]

    /// Fields of the Change and Authentication models the mapping may set.
    static let cimFields: Set<String> = [
        "user", "src_user", "object", "object_id", "object_category", "action", "status", "change_type", "src",
        "dest", "app", "vendor_product",
    ]

    @Test("every event type is tagged with CIM tags only, and the models' tags are all there (Splunk's conf parser)")
    func tags() async throws {
        let files = Support.files(.splunk)
        let eventtypes = try await Support.confStanzas(Self.app + "eventtypes.conf", of: files)
        let tags = try await Support.confStanzas(Self.app + "tags.conf", of: files)
        #expect(eventtypes.count == 3)
        #expect(Set(tags.keys) == Set(eventtypes.keys.map { "eventtype=\($0)" }))
        var seen: Set<String> = []
        for (stanza, settings) in tags {
            for (tag, state) in settings where tag != "__name__" {
                #expect(Self.cimTags.contains(tag), "\(tag) in \(stanza)")
                #expect(state == "enabled", "\(tag) in \(stanza)")
                seen.insert(tag)
            }
        }
        #expect(seen == Self.cimTags)
        #expect(tags["eventtype=ccrelay_account_change"].map { Set($0.keys) } == ["__name__", "change", "account"])
        #expect(tags["eventtype=ccrelay_authentication"].map { Set($0.keys) } == ["__name__", "authentication"])
    }

    @Test("each event type's search names only fields the normalized events have, and the sinks' scope")
    func eventTypeFields() async throws {
        let eventtypes = try await Support.confStanzas(Self.app + "eventtypes.conf", of: Support.files(.splunk))
        let allowed = Set(NormalizedSchema.queryableFieldNames).union(["index", "sourcetype"])
        for (name, settings) in eventtypes {
            let search = try #require(settings["search"], "\(name)")
            #expect(!search.contains("|") && !search.contains("`"), "an event type is a plain search: \(name)")
            let fields = SPLFields(search).external
            #expect(fields.isSubset(of: allowed), "\(fields.subtracting(allowed).sorted()) in \(name)")
            #expect(fields.isSuperset(of: ["index", "sourcetype", "source_kind", "event_type"]), "\(name)")
            // Both sinks' indexes and sourcetypes, as the events macro has them.
            #expect(search.contains(#"(index="cc_audit" sourcetype="ccas:auditlog")"#), "\(name)")
            #expect(search.contains(#"(index="cc_events" sourcetype="ccas:events")"#), "\(name)")
        }
        let authentication = try #require(eventtypes["ccrelay_authentication"]?["search"])
        #expect(authentication.contains(#""*_LOGGED_IN""#) && authentication.contains(#""AGENT_LOGIN""#))
        let change = try #require(eventtypes["ccrelay_change"]?["search"])
        #expect(change.contains(#"NOT event_type IN ("*_VIEWED""#))
    }

    @Test("props sets CIM fields only, by calculated fields on the full names, on every sourcetype")
    func calculatedFields() async throws {
        let stanzas = try await Support.confStanzas(Self.app + "props.conf", of: Support.files(.splunk))
        #expect(Set(stanzas.keys) == ["ccas:auditlog", "ccas:events"])
        // A JSON array's values are `name{}` at search time (attributes.remoteIp is a list).
        let allowed = Set(NormalizedSchema.queryableFieldNames).union(
            NormalizedSchema.queryableFieldNames.map { $0 + "{}" })
        for (sourcetype, settings) in stanzas {
            var set: Set<String> = []
            for (key, value) in settings where key.hasPrefix("EVAL-") {
                set.insert(String(key.dropFirst("EVAL-".count)))
                // As a `where` expression: the reader takes every identifier that is not a function.
                let used = SPLFields("| where \(value)").external
                #expect(used.isSubset(of: allowed), "\(used.subtracting(allowed).sorted()) in \(key)")
            }
            // The only aliases are the compact keys' (GenerateCompactKeysTests): a CIM field set by an
            // alias of an alias would depend on Splunk's order of aliases.
            #expect(settings.keys.filter { $0.hasPrefix("FIELDALIAS-") } == ["FIELDALIAS-ccrelay_compact_keys"])
            #expect(set == Self.cimFields, "\(sourcetype): \(set.symmetricDifference(Self.cimFields).sorted())")
        }
    }

    @Test("the field check sees a field outside the schema in an EVAL, so the check above can fail")
    func evalCheckCanFail() {
        let used = SPLFields(#"| where coalesce('attributes.entityName', actorName, "literal")"#).external
        #expect(used == ["attributes.entityName", "actorName"])
    }

    @Test("the README cites Splunk's CIM pages for both data models")
    func readme() throws {
        let readme = try #require(Support.files(.splunk)["splunk/README.md"])
        #expect(readme.contains("## CIM mapping (Change, Authentication)"))
        #expect(readme.contains("/common-information-model/6.0/data-models/change>"))
        #expect(readme.contains("/common-information-model/6.0/data-models/authentication>"))
    }
}
