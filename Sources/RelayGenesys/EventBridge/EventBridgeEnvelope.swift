import RelayCore

/// The parts of an Amazon EventBridge event that Genesys Cloud's partner event source fills in
/// (PROTOCOLS.md, "EventBridge envelope"):
///
/// ```
/// {"version":"0","id":"…","detail-type":"v2.audits.entitytype.{id}.entityid.{id}","source":"aws.partner/genesys.com/…",
///  "time":"2021-06-25T15:11:52Z","detail":{"topicName":"v2.audits.entitytype.UserPresence.entityid.…",
///  "version":"2","eventBody":{…},"metadata":{"CorrelationId":"…"},"timestamp":"…"}}
/// ```
///
/// `detail-type` is the topic *pattern*, `detail.topicName` the concrete topic.
public struct EventBridgeEnvelope: Sendable, Equatable {
    /// The EventBridge event id (`id`): the native id of a pushed event.
    public var id: String
    /// `detail-type`: the topic pattern, e.g. `v2.detail.events.conversation.{id}.customer.end`.
    public var detailType: String?
    /// `source`, e.g. `aws.partner/genesys.com/cloud/{orgId}/{suffix}`.
    public var source: String?
    /// `time`, when present and valid.
    public var time: Timestamp? { timeValue.flatMap { try? Timestamp.parse($0) } }
    /// `detail.topicName`: the concrete topic.
    public var topicName: String
    /// `detail.eventBody`: the topic's payload (an object).
    public var eventBody: JSONObject
    /// `detail.metadata.CorrelationId`, when present.
    public var correlationID: String?
    /// `detail.timestamp`, when present and valid.
    public var detailTimestamp: Timestamp? { detailTimestampValue.flatMap { try? Timestamp.parse($0) } }
    // The fallback times, parsed only when the body has no `eventTime`.
    private var timeValue: JSONValue?
    private var detailTimestampValue: JSONValue?

    /// Reads an envelope from a parsed EventBridge event.
    /// - Throws: `RelayError(.malformedRecord)` naming the missing or mistyped field (`id`,
    ///   `detail`, `detail.topicName`, `detail.eventBody`).
    public init(_ value: JSONValue) throws(RelayError) {
        guard case .object(let event) = value else {
            throw RelayError(.malformedRecord, "EventBridge event is a JSON \(value.kindName), not an object")
        }
        guard let id = event["id"]?.stringValue, !id.isEmpty else {
            throw RelayError(.malformedRecord, "EventBridge event: id is missing or not a non-empty string")
        }
        guard let detail = event["detail"]?.objectValue else {
            throw RelayError(.malformedRecord, "EventBridge event \(id): detail is missing or not an object")
        }
        guard let topic = detail["topicName"]?.stringValue, !topic.isEmpty else {
            throw RelayError(
                .malformedRecord, "EventBridge event \(id): detail.topicName is missing or not a non-empty string")
        }
        guard let body = detail["eventBody"]?.objectValue else {
            throw RelayError(.malformedRecord, "EventBridge event \(id): detail.eventBody is missing or not an object")
        }
        self.id = id
        self.detailType = event["detail-type"]?.stringValue
        self.source = event["source"]?.stringValue
        self.timeValue = event["time"]
        self.topicName = topic
        self.eventBody = body
        self.correlationID = detail["metadata"]?["CorrelationId"]?.stringValue
        self.detailTimestampValue = detail["timestamp"]
    }

    /// The event id of the normalized event: platform, EventBridge id and topic.
    public var eventID: String {
        EventID.make(platform: .genesys, nativeID: id, topic: topicName)
    }

    /// The body's `eventTime` (ISO 8601 or epoch ms) when present, else `detail.timestamp`, else `time`.
    /// - Throws: `RelayError(.malformedRecord)` when `eventTime` is present but invalid, or no time exists.
    func eventTime() throws(RelayError) -> Timestamp {
        if let value = eventBody["eventTime"] {
            do {
                return try Timestamp.parse(value)
            } catch {
                throw RelayError(.malformedRecord, "EventBridge event \(id): detail.eventBody.eventTime: \(error)")
            }
        }
        if let fallback = detailTimestamp ?? time { return fallback }
        throw RelayError(.malformedRecord, "EventBridge event \(id): no eventTime, detail.timestamp or time")
    }

    /// The topic's segments (`v2`, `detail`, `events`, ...), empty ones kept. Split on Unicode
    /// scalars: splitting by `Character` (grapheme breaking) cost a tenth of the normalizer's time,
    /// and cuts at UTF-8 indices cost a scalar-alignment check per segment.
    var topicSegments: [Substring] {
        var segments: [Substring] = []
        segments.reserveCapacity(8)
        let scalars = topicName.unicodeScalars
        var start = scalars.startIndex
        var index = start
        while index != scalars.endIndex {
            if scalars[index] == "." {
                segments.append(topicName[start..<index])
                start = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        segments.append(topicName[start..<index])
        return segments
    }
}
