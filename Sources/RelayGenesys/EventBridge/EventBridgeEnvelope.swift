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
    public var time: Timestamp?
    /// `detail.topicName`: the concrete topic.
    public var topicName: String
    /// `detail.eventBody`: the topic's payload (an object).
    public var eventBody: JSONObject
    /// `detail.metadata.CorrelationId`, when present.
    public var correlationID: String?
    /// `detail.timestamp`, when present and valid.
    public var detailTimestamp: Timestamp?

    public init(
        id: String, detailType: String? = nil, source: String? = nil, time: Timestamp? = nil, topicName: String,
        eventBody: JSONObject, correlationID: String? = nil, detailTimestamp: Timestamp? = nil
    ) {
        self.id = id
        self.detailType = detailType
        self.source = source
        self.time = time
        self.topicName = topicName
        self.eventBody = eventBody
        self.correlationID = correlationID
        self.detailTimestamp = detailTimestamp
    }

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
        self.time = event["time"].flatMap { try? Timestamp.parse($0) }
        self.topicName = topic
        self.eventBody = body
        self.correlationID = detail["metadata"]?["CorrelationId"]?.stringValue
        self.detailTimestamp = detail["timestamp"].flatMap { try? Timestamp.parse($0) }
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

    /// The topic's segments (`v2`, `detail`, `events`, ...), empty ones kept. Split on the UTF-8
    /// bytes: `.` is ASCII, so every cut falls on a character boundary, and splitting by `Character`
    /// (grapheme breaking) cost a tenth of the normalizer's time.
    var topicSegments: [Substring] {
        var segments: [Substring] = []
        let utf8 = topicName.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: ".") {
                segments.append(Substring(utf8[start..<index]))
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        segments.append(Substring(utf8[start..<index]))
        return segments
    }
}
