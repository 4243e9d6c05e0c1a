import RelayCore

/// One EventBridge-shaped Genesys event the sandbox produced.
public struct GeneratedPushEvent: Sendable, Equatable {
    /// The families of push topics generated.
    public enum Kind: String, Sendable, CaseIterable {
        case audit, conversation, edgeMetrics = "edge_metrics", transcript
    }

    public var kind: Kind
    /// The EventBridge event id (`id`).
    public var id: String
    /// `detail.topicName`.
    public var topic: String
    /// The whole EventBridge event.
    public var event: JSONValue

    /// The `event_id` ccrelay gives it: platform, EventBridge id and topic; for an audit, its own
    /// audit id (`detail.eventBody.id`), the same as when the audit is pulled.
    public var eventID: String {
        if kind == .audit, let auditID = event["detail"]?["eventBody"]?["id"]?.stringValue, !auditID.isEmpty {
            return EventID.make(platform: .genesys, nativeID: auditID)
        }
        return EventID.make(platform: .genesys, nativeID: id, topic: topic)
    }

    /// The event's compact JSON text, as Firehose carries it in a record.
    public var text: [UInt8] { JSONWriter.encode(event) }
}

/// Generates realistic EventBridge events of a Genesys Cloud partner event source: audit topics,
/// conversation detail events (`customer.start`/`customer.end`/`user.start`/`user.end`/`acd.*`/`acw`,
/// with the disconnect types Genesys reports), edge metrics and transcripts. Deterministic for a seed.
public struct GenesysEventBridgeGenerator: Sendable {
    private var random: SeededGenerator
    private let orgID: String
    private let queues: [String]
    private let agents: [(id: String, name: String)]
    private let edges: [(id: String, name: String)]

    /// Disconnect types as Genesys reports them, most common first (repeats weight the draw).
    public static let disconnectTypes = [
        "PEER", "PEER", "PEER", "CLIENT", "CLIENT", "CLIENT", "ENDPOINT", "TRANSFER", "TRANSFER", "SYSTEM", "ERROR",
        "TIMEOUT", "CONSULT_TRANSFER", "FORWARD_TRANSFER", "NO_ANSWER_TRANSFER", "SPAM", "INACTIVITY",
        "TRANSPORT_FAILURE", "SESSION_EXPIRED", "OTHER",
    ]

    /// - Parameter seed: the same seed yields the same events.
    public init(seed: UInt64 = 42) {
        var random = SeededGenerator(seed: seed)
        self.orgID = random.uuid()
        self.queues = (0..<4).map { _ in random.uuid() }
        let names = ["Ada Byrne", "Luis Ortega", "Mei Tanaka", "Sam Okafor", "Priya Nair", "Jon Berg"]
        self.agents = names.map { (random.uuid(), $0) }
        self.edges = ["edge-dub-1", "edge-dub-2", "edge-fra-1"].map { (random.uuid(), $0) }
        self.random = random
    }

    /// `count` events with times from `start`, a few hundred milliseconds apart, mixed across kinds
    /// (mostly conversation detail events and audits).
    public mutating func generate(count: Int, start: Timestamp) -> [GeneratedPushEvent] {
        var events: [GeneratedPushEvent] = []
        events.reserveCapacity(count)
        var time = start.millisecondsSinceEpoch
        for _ in 0..<count {
            time += Int64.random(in: 50...700, using: &random)
            let roll = Int.random(in: 0..<20, using: &random)
            let kind: GeneratedPushEvent.Kind =
                roll < 9 ? .conversation : roll < 15 ? .audit : roll < 17 ? .edgeMetrics : .transcript
            events.append(make(kind, at: Timestamp(millisecondsSinceEpoch: time)))
        }
        return events
    }

    /// One event of a given kind at `time`.
    public mutating func make(_ kind: GeneratedPushEvent.Kind, at time: Timestamp) -> GeneratedPushEvent {
        switch kind {
        case .audit: audit(time)
        case .conversation: conversation(time)
        case .edgeMetrics: edgeMetrics(time)
        case .transcript: transcript(time)
        }
    }

    private mutating func envelope(
        kind: GeneratedPushEvent.Kind, detailType: String, topic: String, body: JSONValue, time: Timestamp
    ) -> GeneratedPushEvent {
        let id = random.uuid()
        let event: JSONValue = [
            "version": "0", "id": .string(id), "detail-type": .string(detailType),
            "source": .string("aws.partner/genesys.com/cloud/\(orgID)/ccrelay-sandbox"),
            "account": "123456789012",
            "time": .string(Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch / 1000 * 1000).iso8601),
            "region": "us-east-1", "resources": [],
            "detail": [
                "topicName": .string(topic), "version": "2", "eventBody": body,
                "metadata": ["CorrelationId": .string(random.uuid())], "timestamp": .string(time.iso8601),
            ],
        ]
        return GeneratedPushEvent(kind: kind, id: id, topic: topic, event: event)
    }

    private mutating func audit(_ time: Timestamp) -> GeneratedPushEvent {
        let agent = random.pick(agents)
        let choices:
            [(service: String, entityType: String, action: String, property: String, old: String, new: String)] = [
                ("Presence", "UserPresence", "Update", "PRESENCE", "Break", "Available"),
                ("Routing", "Queue", "Update", "name", "Support EN", "Support EN (24x7)"),
                ("Directory", "User", "Update", "title", "Agent", "Senior Agent"),
                ("Authorization", "Role", "Update", "permissionPolicies", "admin:view", "admin:edit"),
                ("OAuth", "OAuthClient", "Create", "name", "", "SIEM export"),
            ]
        let choice = random.pick(choices)
        let entityID = choice.entityType == "UserPresence" ? agent.id : random.uuid()
        let body: JSONValue = [
            "id": .string(random.uuid()), "userId": .string(agent.id), "username": .string(agent.name),
            "clientId": "", "serviceName": .string(choice.service), "eventTime": .string(time.iso8601),
            "action": .string(choice.action), "entityType": .string(choice.entityType),
            "entity": [
                "id": .string(entityID), "name": .string(choice.entityType == "UserPresence" ? agent.name : choice.new),
            ],
            "propertyChanges": [
                [
                    "property": .string(choice.property),
                    "oldValues": choice.old.isEmpty ? [] : [.string(choice.old)], "newValues": [.string(choice.new)],
                ]
            ],
        ]
        return envelope(
            kind: .audit, detailType: "v2.audits.entitytype.{id}.entityid.{id}",
            topic: "v2.audits.entitytype.\(choice.entityType).entityid.\(entityID)", body: body, time: time)
    }

    private mutating func conversation(_ time: Timestamp) -> GeneratedPushEvent {
        let phases = [
            "customer.start", "acd.start", "acd.end", "user.start", "user.end", "customer.end", "acw", "flow.start",
            "flow.end",
        ]
        let phase = random.pick(phases)
        let conversationID = random.uuid()
        let agent = random.pick(agents)
        let media = random.pick(["VOICE", "VOICE", "VOICE", "CHAT", "MESSAGE", "EMAIL", "CALLBACK"])
        let direction = random.pick(["INBOUND", "INBOUND", "OUTBOUND"])
        var body = JSONObject()
        body.append(key: "eventTime", value: .number(JSONNumber(time.millisecondsSinceEpoch)))
        body.append(key: "conversationId", value: .string(conversationID))
        body.append(key: "participantId", value: .string(random.uuid()))
        body.append(key: "sessionId", value: .string(random.uuid()))
        body.append(key: "mediaType", value: .string(media))
        body.append(key: "direction", value: .string(direction))
        body.append(key: "ani", value: .string("tel:+1555\(Int.random(in: 1_000_000...9_999_999, using: &random))"))
        body.append(key: "dnis", value: .string("tel:+1800555\(Int.random(in: 1000...9999, using: &random))"))
        if phase != "customer.start" && phase != "flow.start" && phase != "flow.end" {
            body.append(key: "queueId", value: .string(random.pick(queues)))
        }
        if phase.hasPrefix("user.") || phase == "acw" { body.append(key: "userId", value: .string(agent.id)) }
        if phase == "customer.end" || phase == "user.end" {
            body.append(key: "disconnectType", value: .string(random.pick(Self.disconnectTypes)))
            body.append(
                key: "interactingDurationMs",
                value: .number(JSONNumber(Int.random(in: 15_000...900_000, using: &random))))
            body.append(key: "heldDurationMs", value: .number(JSONNumber(Int.random(in: 0...60_000, using: &random))))
        }
        if phase == "acw" {
            body.append(key: "wrapupCode", value: .string(random.uuid()))
            body.append(
                key: "wrapupDurationMs", value: .number(JSONNumber(Int.random(in: 2_000...120_000, using: &random))))
        }
        return envelope(
            kind: .conversation, detailType: "v2.detail.events.conversation.{id}.\(phase)",
            topic: "v2.detail.events.conversation.\(conversationID).\(phase)", body: .object(body), time: time)
    }

    private mutating func edgeMetrics(_ time: Timestamp) -> GeneratedPushEvent {
        let edge = random.pick(edges)
        let processors: [JSONValue] = (0..<4).map { index in
            [
                "cpuId": .string(String(index)),
                "activeTimePct": .number(JSONNumber(Double(Int.random(in: 300...9500, using: &random)) / 100)),
            ]
        }
        let total = 16 * 1_073_741_824
        let body: JSONValue = [
            "edge": ["id": .string(edge.id), "name": .string(edge.name)], "eventTime": .string(time.iso8601),
            "upTimeMsec": .number(JSONNumber(Int.random(in: 3_600_000...2_592_000_000, using: &random))),
            "processors": .array(processors),
            "memory": [
                [
                    "type": "physical",
                    "availableBytes": .number(JSONNumber(Int.random(in: total / 10...total / 2, using: &random))),
                    "totalBytes": .number(JSONNumber(total)),
                ]
            ],
            "disks": [
                [
                    "partitionName": "C:\\",
                    "availableBytes": .number(
                        JSONNumber(Int.random(in: 10_000_000_000...80_000_000_000, using: &random))),
                    "totalBytes": 128_000_000_000,
                ]
            ],
            "networks": [
                [
                    "ifName": "eth0",
                    "sentBytesPerSec": .number(JSONNumber(Int.random(in: 1000...900_000, using: &random))),
                    "receivedBytesPerSec": .number(JSONNumber(Int.random(in: 1000...900_000, using: &random))),
                ]
            ],
        ]
        return envelope(
            kind: .edgeMetrics, detailType: "v2.telephony.providers.edges.{id}.metrics",
            topic: "v2.telephony.providers.edges.\(edge.id).metrics", body: body, time: time)
    }

    private mutating func transcript(_ time: Timestamp) -> GeneratedPushEvent {
        let conversationID = random.uuid()
        let lines = [
            ("EXTERNAL", "hi, I was charged twice for my order"),
            ("INTERNAL", "sorry about that, let me check the order"),
            ("EXTERNAL", "the order number is on the receipt"), ("INTERNAL", "thanks, I can see the duplicate charge"),
        ]
        let count = Int.random(in: 1...lines.count, using: &random)
        let transcripts: [JSONValue] = lines.prefix(count).enumerated().map { index, line in
            [
                "utteranceId": .string(random.uuid()), "isFinal": true, "channel": .string(line.0),
                "alternatives": [
                    [
                        "confidence": .number(JSONNumber(Double(Int.random(in: 70...99, using: &random)) / 100)),
                        "offsetMs": .number(JSONNumber(index * 4000)), "durationMs": 3500,
                        "transcript": .string(line.1),
                    ]
                ],
                "engineProvider": "GENESYS", "dialect": "en-US",
            ]
        }
        let body: JSONValue = [
            "eventTime": .string(time.iso8601), "organizationId": .string(orgID),
            "conversationId": .string(conversationID),
            "communicationId": .string(random.uuid()),
            "sessionStartTimeMs": .number(JSONNumber(time.millisecondsSinceEpoch - 60_000)),
            "transcriptionStartTimeMs": .number(JSONNumber(time.millisecondsSinceEpoch - 59_000)),
            "transcripts": .array(transcripts),
        ]
        return envelope(
            kind: .transcript, detailType: "v2.conversations.{id}.transcription",
            topic: "v2.conversations.\(conversationID).transcription", body: body, time: time)
    }
}
