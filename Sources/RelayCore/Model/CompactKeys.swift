/// The short keys of the compact encoding (``CompactEvent/KeyNames/short``): each common field and
/// each scalar attribute the normalizers write on most events gets a stable key of two to four
/// lower-case letters. Names not listed here are written as they are: `attributes` itself (so an
/// attribute without a short key keeps its `attributes.<name>` path) and attributes whose values are
/// objects or arrays (`entity`, `remoteIp`, `networks`: a search addresses what is inside them).
///
/// Only sinks whose generated SIEM content gives every short key its full name back write them: the
/// Splunk HEC sink (the app's `FIELDALIAS … ASNEW` in `props.conf`), so searches, dashboards and
/// alerts use the full names whichever encoding an index receives.
///
/// A short key is never a name a normalizer writes (the tests check the Genesys normalizers' output;
/// CXone's attribute names are fixed and longer), so a key in a compact event names one field only. Keys are part of the delivered format: a key is added
/// for a new field, never changed or reused.
public enum CompactKeys {
    /// One full name and its short key.
    public struct Pair: Sendable, Hashable {
        /// The name in the full encoding: `event_type`, `correlation_id`.
        public let name: String
        /// The key in the compact encoding: `et`, `cid`.
        public let key: String
    }

    /// The common fields (``Event/commonFieldNames``) but `attributes` and `raw` (written only by
    /// routes that keep the original record).
    public static let commonFields: [Pair] = pairs([
        ("event_id", "eid"), ("timestamp", "ts"), ("platform", "pf"), ("source_kind", "sk"), ("event_type", "et"),
        ("actor_id", "aid"), ("actor_name", "an"), ("target_id", "tid"), ("target_type", "tt"),
        ("old_value", "ov"), ("new_value", "nv"),
    ])

    /// Attributes with scalar values (keys directly under `attributes`).
    public static let attributes: [Pair] = pairs([
        // Every pushed event, and Genesys audit records.
        ("correlation_id", "cid"), ("topic_name", "tn"), ("audit_id", "auid"), ("serviceName", "svc"),
        ("level", "lvl"), ("status", "stat"), ("application", "app"), ("transactionInitiator", "txi"),
        ("entity.name", "enm"), ("client.id", "clid"), ("initiatingAction.transactionId", "itx"),
        ("message.message", "msg"),
        // Conversation detail events.
        ("conversation_id", "cvid"), ("participant_id", "pid"), ("session_id", "sid"), ("media_type", "mt"),
        ("direction", "dir"), ("queue_id", "qid"), ("disconnect_type", "dt"),
        ("interacting_duration_ms", "idm"), ("held_duration_ms", "hdm"), ("wrapup_code", "wc"),
        ("wrapup_duration_ms", "wdm"),
        // Edge metrics.
        ("edge_name", "en"), ("up_time_msec", "up"), ("cpu_pct", "cpu"), ("processor_count", "pc"),
        ("memory_used_pct", "mup"), ("memory_total_bytes", "mtb"), ("memory_available_bytes", "mab"),
        ("disk_used_pct", "dup"), ("disk_total_bytes", "dtb"), ("disk_available_bytes", "dab"),
        // Transcripts.
        ("organization_id", "oid"), ("communication_id", "cmid"), ("session_start_time_ms", "sst"),
        ("transcription_start_time_ms", "tst"), ("transcript", "tx"), ("utterance_count", "uc"),
        ("is_final", "fin"), ("confidence", "cf"),
    ])

    /// The short key of a common field, `nil` when it has none.
    public static func key(ofCommonField name: String) -> String? {
        commonFields.first { $0.name == name }?.key
    }

    /// The short key of an attribute (a key directly under `attributes`), `nil` when it has none.
    public static func key(ofAttribute name: String) -> String? {
        attributes.first { $0.name == name }?.key
    }

    /// `event` with every short key replaced by its full name: what a search sees through the
    /// generated aliases. Members already under their full names are kept; when both spellings are
    /// present the full one wins, as `ASNEW` does.
    public static func expanded(_ event: JSONObject) -> JSONObject {
        func expand(
            _ object: JSONObject, _ table: [String: String], nested: (String, JSONValue) -> JSONValue
        ) -> JSONObject {
            var out = JSONObject()
            out.reserveCapacity(object.count)
            for member in object {
                let name = table[member.key] ?? member.key
                if out[name] != nil { continue }
                if table[member.key] != nil, object[name] != nil { continue }
                out.append(key: name, value: nested(name, member.value))
            }
            return out
        }
        return expand(event, commonNames) { name, value in
            guard name == "attributes", case .object(let attributes) = value else { return value }
            return .object(expand(attributes, attributeNames) { _, value in value })
        }
    }

    private static let commonNames = Dictionary(uniqueKeysWithValues: commonFields.map { ($0.key, $0.name) })
    private static let attributeNames = Dictionary(uniqueKeysWithValues: attributes.map { ($0.key, $0.name) })

    private static func pairs(_ list: [(String, String)]) -> [Pair] { list.map { Pair(name: $0.0, key: $0.1) } }

    /// The quoted short key for a quoted full name, looked up by length then bytes (the compact
    /// encoder renames each member this way without building strings).
    struct Table: Sendable {
        private let byLength: [[(name: [UInt8], key: [UInt8])]]

        init(_ pairs: [Pair]) {
            var byLength: [[(name: [UInt8], key: [UInt8])]] = []
            for pair in pairs {
                let name = Array("\"\(pair.name)\"".utf8)
                let key = Array("\"\(pair.key)\"".utf8)
                while byLength.count <= name.count { byLength.append([]) }
                byLength[name.count].append((name, key))
            }
            self.byLength = byLength
        }

        /// The quoted short key of `quotedName`, or `quotedName` itself.
        func key(_ quotedName: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            guard quotedName.count < byLength.count else { return quotedName }
            for candidate in byLength[quotedName.count] where candidate.name.elementsEqual(quotedName) {
                return candidate.key[...]
            }
            return quotedName
        }
    }

    static let commonTable = Table(commonFields)
    static let attributeTable = Table(attributes)
}
