import RelayCore

/// The columns of ccrelay's custom Log Analytics table (`CCRelay_CL`) and the mapping of an outbox
/// entry to one row of it, as the Logs Ingestion API takes rows: a flat JSON object per record.
///
/// Columns, in order: `TimeGenerated` (datetime, from the event's `timestamp`), then one PascalCase
/// string column per common field (`EventId`, `Platform`, `SourceKind`, `EventType`, `ActorId`,
/// `ActorName`, `TargetId`, `TargetType`, `OldValue`, `NewValue`), then `Attributes` (dynamic, the
/// flattened remaining fields). Absent fields are left out of the row, so they read as empty in KQL.
/// The generator (`ccrelay generate sentinel`) declares the table and the DCR stream from
/// ``columns``, so the sink's rows and the declared columns cannot drift apart.
public enum SentinelRowEncoder {
    /// One column of the custom table.
    public struct Column: Sendable, Equatable {
        /// The Log Analytics column name (PascalCase, as Azure tables name columns).
        public let name: String
        /// The Log Analytics column type: `datetime`, `string` or `dynamic`.
        public let type: String
        /// The normalized event's field the column is read from.
        public let field: String
    }

    /// The custom table's name (custom tables end in `_CL`).
    public static let table = "CCRelay_CL"

    /// Every column of `CCRelay_CL`, in the order rows are written.
    public static let columns: [Column] = [
        Column(name: "TimeGenerated", type: "datetime", field: "timestamp"),
        Column(name: "EventId", type: "string", field: "event_id"),
        Column(name: "Platform", type: "string", field: "platform"),
        Column(name: "SourceKind", type: "string", field: "source_kind"),
        Column(name: "EventType", type: "string", field: "event_type"),
        Column(name: "ActorId", type: "string", field: "actor_id"),
        Column(name: "ActorName", type: "string", field: "actor_name"),
        Column(name: "TargetId", type: "string", field: "target_id"),
        Column(name: "TargetType", type: "string", field: "target_type"),
        Column(name: "OldValue", type: "string", field: "old_value"),
        Column(name: "NewValue", type: "string", field: "new_value"),
        Column(name: "Attributes", type: "dynamic", field: "attributes"),
    ]

    /// One row (a compact JSON object) for `entry`.
    ///
    /// `TimeGenerated` and `EventId` come from the outbox entry itself, so a payload that is not a
    /// JSON object still yields a valid row; its text is then kept in `Attributes.raw_payload`.
    public static func encode(_ entry: OutboxEntry) -> [UInt8] {
        var row = JSONObject()
        row.append(key: "TimeGenerated", value: .string(entry.timestamp.iso8601))
        row.append(key: "EventId", value: .string(entry.eventID))
        guard let event = (try? JSONParser.parse(entry.payload))?.objectValue else {
            row.append(key: "Platform", value: .string(entry.platform.rawValue))
            let text = String(decoding: entry.payload, as: UTF8.self)
            row.append(key: "Attributes", value: .object(JSONObject(["raw_payload": .string(text)])))
            return encoded(row)
        }
        for column in columns.dropFirst(2) {
            guard let value = event[column.field], !value.isNull else { continue }
            row.append(key: column.name, value: value)
        }
        return encoded(row)
    }

    /// A JSON array of `rows` (each already an encoded object), the body the ingestion API takes.
    public static func array(of rows: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(rows.reduce(2) { $0 + $1.count + 1 })
        for (index, row) in rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: row)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    private static func encoded(_ row: JSONObject) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.write(.object(row), into: &out)
        return out
    }
}
