import RelayCore

/// The `props.conf` lines and README section that make the compact encoding's short keys
/// (``CompactKeys``, what a Splunk HEC sink writes by default) searchable under their full names.
///
/// One `FIELDALIAS` class gives every short key its full name with `ASNEW`, so an event that already
/// has the full name (`encoding: full`, events indexed before the short keys) keeps its own value;
/// both encodings can feed one index. Aliases run before calculated fields in Splunk's search-time
/// sequence, so the CIM mapping's `EVAL-`s read the full names.
enum SplunkCompactKeys {
    /// The class of the alias setting.
    static let aliasSetting = "FIELDALIAS-ccrelay_compact_keys"

    /// `(short path, full path)` for every short key: `et` → `event_type`, `attributes.cid` →
    /// `attributes.correlation_id`.
    static var aliases: [(short: String, full: String)] {
        CompactKeys.commonFields.map { ($0.key, $0.name) }
            + CompactKeys.attributes.map {
                (NormalizedSchema.attributesPrefix + $0.key, NormalizedSchema.attributesPrefix + $0.name)
            }
    }

    /// `FIELDALIAS-ccrelay_compact_keys = eid ASNEW event_id ts ASNEW timestamp …`.
    static var aliasLine: String {
        aliasSetting + " = " + aliases.map { "\($0.short) ASNEW \($0.full)" }.joined(separator: " ")
    }

    /// A `TIME_PREFIX` matching the event's time under either name (`"timestamp":"` or `"ts":"`).
    static var timePrefix: String {
        let short = CompactKeys.key(ofCommonField: SchemaField.timestamp.path) ?? SchemaField.timestamp.path
        return #""(?:\#(SchemaField.timestamp)|\#(short))"\s*:\s*""#
    }

    /// The README section: the field list with each field's short key.
    static var readme: String {
        let rows = aliases.map { "| `\($0.full)` | `\($0.short)` |" }.joined(separator: "\n")
        return """

            ## Field names and the compact encoding

            A Splunk HEC sink writes each event in the compact encoding by default (`encoding: compact`):
            no empty attributes, no attribute repeating a common field, and a short key for each common field
            and each scalar attribute below, which makes each event about a third smaller than the full
            encoding, and your license use with it. `props.conf` gives every short key its full name back
            (`\(aliasSetting)`, with `ASNEW`), so searches, this app's alerts and dashboard, and the CIM
            mapping use the full names, and events in the full encoding (`encoding: full`) search the same
            way in the same index. Other attributes keep their names under `attributes.`.

            | field | compact key |
            |---|---|
            \(rows)

            """
    }
}
