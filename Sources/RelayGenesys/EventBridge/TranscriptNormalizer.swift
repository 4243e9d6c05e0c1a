import RelayCore

/// Transcription topics (`v2.conversations.{id}.transcription`): `{eventTime, conversationId,
/// communicationId, sessionStartTimeMs, transcriptionStartTimeMs, transcripts:[{utteranceId, isFinal,
/// channel, alternatives:[{confidence, offsetMs, durationMs, transcript}], engineProvider, dialect}],
/// status}` becomes one event:
/// * `source_kind` `transcript`, `event_type` `CONVERSATION_TRANSCRIPTION`, `target_id` the
///   conversation, `target_type` `Conversation`.
/// * `transcript`: the first alternative of each utterance, joined with a newline; `channels`,
///   `utterance_count`, `is_final` (every utterance final), `confidence` (the lowest).
/// * every other body field snake_cased; `transcripts` kept as an array for archives.
enum TranscriptNormalizer {
    static func matches(_ segments: [Substring]) -> Bool {
        segments.count == 4 && segments[0] == "v2" && segments[1] == "conversations" && segments[3] == "transcription"
    }

    static func normalize(_ envelope: EventBridgeEnvelope, segments: [Substring], attributes base: JSONObject)
        throws(RelayError) -> Event
    {
        let timestamp = try envelope.eventTime()
        var attributes = base
        var conversationID = TopicAttributes.segment(segments, 2)
        var lines: [String] = []
        var channels: [String] = []
        var allFinal = true
        var lowestConfidence: Double?
        var utterances = 0
        for member in envelope.eventBody {
            switch member.key {
            case "eventTime":
                continue
            case "conversationId":
                if let id = member.value.stringValue { conversationID = id }
            case "transcripts":
                for utterance in member.value.arrayValue ?? [] {
                    utterances += 1
                    if utterance["isFinal"]?.boolValue == false { allFinal = false }
                    if let channel = utterance["channel"]?.stringValue, !channels.contains(channel) {
                        channels.append(channel)
                    }
                    guard let best = utterance["alternatives"]?.arrayValue?.first else { continue }
                    if let text = best["transcript"]?.stringValue { lines.append(text) }
                    if let confidence = best["confidence"]?.doubleValue {
                        lowestConfidence = min(lowestConfidence ?? confidence, confidence)
                    }
                }
            default:
                break
            }
            TopicAttributes.flatten(member.value, key: member.key, into: &attributes)
        }
        attributes.append(key: "transcript", value: .string(lines.joined(separator: "\n")))
        attributes.append(key: "utterance_count", value: .number(JSONNumber(utterances)))
        attributes.append(key: "channels", value: .array(channels.map { .string($0) }))
        attributes.append(key: "is_final", value: .bool(allFinal))
        if let lowestConfidence { attributes.append(key: "confidence", value: .number(JSONNumber(lowestConfidence))) }
        var event = Event(
            eventID: envelope.eventID,
            timestamp: timestamp,
            platform: .genesys,
            sourceKind: "transcript",
            eventType: "CONVERSATION_TRANSCRIPTION",
            targetID: conversationID,
            targetType: "Conversation",
            attributes: attributes
        )
        event.fieldSources = sources
        return event
    }

    /// Body keys snake_cased into the attributes; the derived attributes come from the utterances,
    /// which the attributes also keep (`transcripts`).
    static let sources: FieldSources = {
        let derived = [
            "attributes.transcript": ["transcripts.alternatives.transcript"],
            "attributes.channels": ["transcripts.channel"],
            "attributes.confidence": ["transcripts.alternatives.confidence"],
        ]
        var raw = derived
        raw["target_id"] = ["conversationId"]
        var copies = derived
        copies["target_id"] = ["conversation_id"]
        return GenesysEventBridgeNormalizer.envelopeSources(
            FieldSources(snakeCased: true, raw: raw, copies: copies), adding: ["target_id": ["detail.topicName"]])
    }()
}
