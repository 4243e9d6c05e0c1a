/// The Splunk Common Information Model mapping of ccrelay's events, for the Change and
/// Authentication data models (Splunk Enterprise Security's correlation searches read them):
/// event types select the events, tags put them into the models, and search-time `EVAL`s and
/// `FIELDALIAS`es on each sourcetype give them the models' field names.
///
/// Fields and tags from Splunk's CIM reference: <https://help.splunk.com/data-management/common-information-model/6.0/data-models/change>
/// and <https://help.splunk.com/data-management/common-information-model/6.0/data-models/authentication>.
struct SplunkCIM {
    let input: GenerateInput

    /// The pages the mapping follows, cited in the generated README.
    static let sources = [
        "https://help.splunk.com/data-management/common-information-model/6.0/data-models/change",
        "https://help.splunk.com/data-management/common-information-model/6.0/data-models/authentication",
        "https://help.splunk.com/splunk-enterprise-security-7/common-information-model/5.1/data-models/how-to-use-the-cim-data-model-reference-tables",
    ]

    /// An event type and the CIM tags it carries.
    struct EventType: Equatable {
        var name: String
        var search: String
        var tags: [String]
    }

    /// Audit changes (`change`), account and permission changes among them (`change` + `account`:
    /// the Account_Management dataset) and sign-ins (`authentication`).
    var eventTypes: [EventType] {
        let audit = "\(scope) \(SchemaField.sourceKind)=\(quoted(AlertCatalog.auditSourceKind))"
        let changes =
            "NOT \(SchemaField.eventType) IN (\(list(AlertCatalog.readOnlyEventTypeSuffixes.map { "*" + $0 })))"
        return [
            EventType(name: "ccrelay_change", search: "\(audit) \(changes)", tags: ["change"]),
            EventType(
                name: "ccrelay_account_change",
                search: "\(audit) \(changes) \(SchemaField.targetType) IN (\(list(accounts)))",
                tags: ["change", "account"]),
            EventType(
                name: "ccrelay_authentication",
                search: "\(audit) \(SchemaField.eventType) IN (\(list(AlertCatalog.signInEventTypes)))",
                tags: ["authentication"]),
        ]
    }

    /// Entity types of account management: accounts, roles and grants, once each.
    private var accounts: [String] {
        var out: [String] = []
        for type in AlertCatalog.accountEntityTypes + AlertCatalog.privilegeEntityTypes where !out.contains(type) {
            out.append(type)
        }
        return out
    }

    /// The sinks' indexes and sourcetypes, written out: an event type's search cannot call a macro.
    private var scope: String { "(" + SplunkSearches(input: input).eventsMacroDefinition + ")" }

    var eventtypesConf: String {
        var out = SplunkAppGenerator.header
        for type in eventTypes {
            out += "\n[\(type.name)]\nsearch = \(type.search)\n"
        }
        return out
    }

    var tagsConf: String {
        var out = SplunkAppGenerator.header
        for type in eventTypes {
            out += "\n[eventtype=\(type.name)]\n" + type.tags.map { "\($0) = enabled\n" }.joined()
        }
        return out
    }

    /// Search-time field names of the Change and Authentication models, for each sourcetype's stanza
    /// of `props.conf`: `(setting, CIM field, expression)`.
    var calculatedFields: [(setting: String, field: String, expression: String)] {
        let actor = "coalesce(\(SchemaField.actorName), \(SchemaField.actorID))"
        let object = "coalesce('\(SchemaField.entityName)', \(SchemaField.targetID))"
        let type = SchemaField.eventType.path
        let status = "lower('\(SchemaField.attribute("status"))')"
        let signIn = AlertCatalog.signInEventTypes.map { $0.hasPrefix("*") ? $0.dropFirst() + "$" : "^" + $0 + "$" }
            .joined(separator: "|")
        let product =
            "case(\(SchemaField.platform)==\"genesys\", \"Genesys Cloud CX\", \(SchemaField.platform)==\"cxone\", \"NICE CXone\", true(), \(SchemaField.platform))"
        return [
            ("EVAL-src_user", "src_user", actor),
            // For account changes the CIM's `user` is the account changed; otherwise whoever acted.
            (
                "EVAL-user", "user",
                "if(in(\(SchemaField.targetType), \(AlertCatalog.accountEntityTypes.map(quoted).joined(separator: ", "))), \(object), \(actor))"
            ),
            ("EVAL-object", "object", object),
            // A calculated field, not an alias: `target_id` may itself be an alias (a compact key).
            ("EVAL-object_id", "object_id", "\(SchemaField.targetID)"),
            ("EVAL-object_category", "object_category", "lower(\(SchemaField.targetType))"),
            (
                "EVAL-action", "action",
                "case(match(\(type), \"(\(signIn))\") AND (\(status)==\"failure\" OR match(\(type), \"_FAILED$\")), \"failure\", "
                    + "match(\(type), \"(\(signIn))\"), \"success\", "
                    + "match(\(type), \"_(CREATED|ADDED)$\"), \"created\", match(\(type), \"_(DELETED|REMOVED)$\"), \"deleted\", "
                    + "match(\(type), \"_(VIEWED|READ|DOWNLOADED|EXPORTED)$\"), \"read\", "
                    + "\(SchemaField.sourceKind)==\(quoted(AlertCatalog.auditSourceKind)), \"modified\")"
            ),
            (
                "EVAL-status", "status",
                "case(\(status)==\"failure\" OR match(\(type), \"_FAILED$\"), \"failure\", "
                    + "\(SchemaField.sourceKind)==\(quoted(AlertCatalog.auditSourceKind)), \"success\")"
            ),
            (
                "EVAL-change_type", "change_type",
                "if(in(\(SchemaField.targetType), \(accounts.map(quoted).joined(separator: ", "))), \"AAA\", \"application\")"
            ),
            (
                "EVAL-src", "src",
                "coalesce(mvindex('\(SchemaField.remoteIP){}', 0), '\(SchemaField.remoteIP)')"
            ),
            ("EVAL-dest", "dest", product),
            ("EVAL-vendor_product", "vendor_product", product),
            ("EVAL-app", "app", "coalesce('\(SchemaField.attribute("application"))', \(product))"),
        ]
    }

    /// The `props.conf` lines of ``calculatedFields``.
    var propsLines: String {
        "# CIM (Change, Authentication): see README.md.\n"
            + calculatedFields.map { "\($0.setting) = \($0.expression)\n" }.joined()
    }

    private func list(_ values: [String]) -> String { values.map(quoted).joined(separator: ", ") }
}
