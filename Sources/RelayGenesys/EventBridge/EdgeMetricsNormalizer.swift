import RelayCore

/// Edge metrics (`v2.telephony.providers.edges.{id}.metrics`): `{edge{id,name}, eventTime,
/// upTimeMsec, processors[{cpuId, activeTimePct}], memory[{type, availableBytes, totalBytes}],
/// disks[{partitionName, availableBytes, totalBytes}], networks[...]}` becomes one event:
/// * `source_kind` `edge_metrics`, `event_type` `EDGE_METRICS`, `target_id` the edge id,
///   `target_type` `Edge`.
/// * `cpu_pct`: the average `activeTimePct` of the processors (absent without processors).
/// * `memory_used_pct`, `memory_total_bytes`, `memory_available_bytes`: over the `physical`
///   memory entries when there are any, else over all entries.
/// * `disk_used_pct`, `disk_total_bytes`, `disk_available_bytes`: over every disk.
/// * `edge_name`, `up_time_msec`, `processor_count`; `networks` kept as an array.
enum EdgeMetricsNormalizer {
    static func matches(_ segments: [Substring]) -> Bool {
        segments.count == 6 && segments[0] == "v2" && segments[1] == "telephony" && segments[2] == "providers"
            && segments[3] == "edges" && segments[5] == "metrics"
    }

    static func normalize(_ envelope: EventBridgeEnvelope, segments: [Substring], attributes base: JSONObject)
        throws(RelayError) -> Event
    {
        let body = envelope.eventBody
        let timestamp = try envelope.eventTime()
        var attributes = base
        let edgeID = body["edge"]?["id"]?.stringValue ?? TopicAttributes.segment(segments, 4)
        if let name = body["edge"]?["name"]?.stringValue { attributes.append(key: "edge_name", value: .string(name)) }
        if let upTime = body["upTimeMsec"], case .number = upTime {
            attributes.append(key: "up_time_msec", value: upTime)
        }

        let processors = body["processors"]?.arrayValue ?? []
        let loads = processors.compactMap { $0["activeTimePct"]?.doubleValue }
        if !loads.isEmpty {
            attributes.append(key: "cpu_pct", value: number(loads.reduce(0, +) / Double(loads.count)))
        }
        attributes.append(key: "processor_count", value: .number(JSONNumber(processors.count)))

        let memory = body["memory"]?.arrayValue ?? []
        let physical = memory.filter { $0["type"]?.stringValue?.lowercased() == "physical" }
        usage(physical.isEmpty ? memory : physical, prefix: "memory", into: &attributes)
        usage(body["disks"]?.arrayValue ?? [], prefix: "disk", into: &attributes)
        if let networks = body["networks"] { attributes.append(key: "networks", value: networks) }

        var event = Event(
            eventID: envelope.eventID,
            timestamp: timestamp,
            platform: .genesys,
            sourceKind: "edge_metrics",
            eventType: "EDGE_METRICS",
            targetID: edgeID,
            targetType: "Edge",
            attributes: attributes
        )
        event.fieldSources = sources
        return event
    }

    /// Every attribute is derived: each names the body fields it is computed from.
    static let sources: FieldSources = {
        let memory = ["memory.totalBytes", "memory.availableBytes"]
        let disks = ["disks.totalBytes", "disks.availableBytes"]
        return GenesysEventBridgeNormalizer.envelopeSources(
            FieldSources(
                attributeRoot: nil,
                raw: [
                    "target_id": ["edge.id"], "attributes.edge_name": ["edge.name"],
                    "attributes.up_time_msec": ["upTimeMsec"],
                    "attributes.cpu_pct": ["processors.activeTimePct"], "attributes.networks": ["networks"],
                    "attributes.memory_used_pct": memory, "attributes.memory_total_bytes": memory,
                    "attributes.memory_available_bytes": memory, "attributes.disk_used_pct": disks,
                    "attributes.disk_total_bytes": disks, "attributes.disk_available_bytes": disks,
                ]),
            adding: ["target_id": ["detail.topicName"]])
    }()

    /// `{prefix}_used_pct`, `{prefix}_total_bytes`, `{prefix}_available_bytes` over entries with both sizes.
    private static func usage(_ entries: [JSONValue], prefix: String, into attributes: inout JSONObject) {
        var total = 0.0
        var available = 0.0
        for entry in entries {
            guard let entryTotal = entry["totalBytes"]?.doubleValue,
                let entryAvailable = entry["availableBytes"]?.doubleValue
            else { continue }
            total += entryTotal
            available += entryAvailable
        }
        guard total > 0 else { return }
        attributes.append(key: prefix + "_used_pct", value: number((total - available) / total * 100))
        attributes.append(key: prefix + "_total_bytes", value: number(total))
        attributes.append(key: prefix + "_available_bytes", value: number(available))
    }

    /// A number rounded to two decimals; integral values written without a fraction.
    private static func number(_ value: Double) -> JSONValue {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded(), abs(rounded) < 9e15 { return .number(JSONNumber(Int64(rounded))) }
        return .number(JSONNumber(rounded))
    }
}
