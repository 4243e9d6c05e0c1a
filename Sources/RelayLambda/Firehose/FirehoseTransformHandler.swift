import Logging
import RelayAWS
import RelayCore
import RelaySinks

/// The fate of one Firehose record, as the transformation answers it.
public enum FirehoseRecordResult: String, Sendable, Equatable {
    /// Transformed; `data` is what the destination receives.
    case ok = "Ok"
    /// Left out on purpose (the drop pattern matched); Firehose counts it as processed.
    case dropped = "Dropped"
    /// Could not be transformed (or did not fit the response); Firehose writes the original to its
    /// `processing-failed` backup, so nothing is lost.
    case processingFailed = "ProcessingFailed"
}

/// One answered record.
public struct FirehoseRecordAnswer: Sendable, Equatable {
    public var recordID: String
    public var result: FirehoseRecordResult
    /// Base64 of the transformed data (`Ok`), of the original data (`ProcessingFailed`, when it
    /// fits), or empty.
    public var data: String
    /// Why the record failed, for the log; not sent to Firehose.
    public var reason: String?

    public init(recordID: String, result: FirehoseRecordResult, data: String, reason: String? = nil) {
        self.recordID = recordID
        self.result = result
        self.data = data
        self.reason = reason
    }
}

/// Firehose data transformation: every record's data (a Genesys Cloud EventBridge event, or several
/// back to back or one per line) is decoded by ``PushRecordDecoder`` with the daemon's normalizer,
/// filtered by the drop pattern, redacted, and wrapped for the stream's destination. Every
/// `recordId` is answered: `Ok`, `Dropped`, or `ProcessingFailed` for a record any part of which
/// the decoder rejects (the reason names the record index and invocation id), without failing the
/// others.
/// The response stays under ``FirehoseTransformConfiguration/maxResponseBytes``: a record whose
/// transformed data would not fit is answered `ProcessingFailed` whole, never truncated.
public struct FirehoseTransformHandler: LambdaHandler {
    private let configuration: FirehoseTransformConfiguration
    private let decoder: PushRecordDecoder
    private let splunk: SplunkHECEncoder?
    private let datadog: DatadogLogsEncoder?

    /// - Parameter normalize: the platform's EventBridge normalizer (Genesys Cloud's in ccrelay).
    public init(configuration: FirehoseTransformConfiguration, normalize: @escaping PushEventNormalizer) {
        self.configuration = configuration
        self.decoder = PushRecordDecoder(normalize: normalize)
        switch configuration.output {
        case .splunk(let sink):
            splunk = SplunkHECEncoder(configuration: sink)
            datadog = nil
        case .datadog(let sink):
            splunk = nil
            datadog = DatadogLogsEncoder(configuration: sink)
        case .event:
            splunk = nil
            datadog = nil
        }
    }

    public func handle(_ invocation: LambdaInvocation, logger: Logger) async throws -> [UInt8] {
        let request = try FirehoseTransformRequest(payload: invocation.payload)
        let answers = transform(request)
        let (body, final) = Self.responseBody(answers, maxBytes: configuration.maxResponseBytes)
        var counts: [FirehoseRecordResult: Int] = [:]
        for answer in final { counts[answer.result, default: 0] += 1 }
        if let failed = final.first(where: { $0.result == .processingFailed }) {
            logger.warning(
                "Records failed transformation; Firehose keeps them in its processing-failed backup",
                metadata: [
                    "ccrelay.failed": "\(counts[.processingFailed] ?? 0)", "ccrelay.first_record": "\(failed.recordID)",
                    "ccrelay.reason": "\(failed.reason ?? "")",
                ])
        }
        logger.debug(
            "Firehose records transformed",
            metadata: [
                "ccrelay.ok": "\(counts[.ok] ?? 0)", "ccrelay.dropped": "\(counts[.dropped] ?? 0)",
                "ccrelay.failed": "\(counts[.processingFailed] ?? 0)",
            ])
        return body
    }

    /// Every record's answer, in order, before the response size is considered.
    public func transform(_ request: FirehoseTransformRequest) -> [FirehoseRecordAnswer] {
        request.records.enumerated().map { index, record in
            transform(record, at: PushRecordLocation(index: index, requestID: request.invocationID))
        }
    }

    private func transform(_ record: FirehoseTransformRequest.Record, at location: PushRecordLocation)
        -> FirehoseRecordAnswer
    {
        let decoded = decoder.decode(base64: record.data, at: location)
        if let failure = decoded.failures.first {
            // A record is answered whole: Firehose backs up its original data, good parts included.
            return FirehoseRecordAnswer(
                recordID: record.recordID, result: .processingFailed, data: record.data ?? "", reason: failure.reason)
        }
        var events = decoded.events
        if let pattern = configuration.dropPattern {
            events.removeAll { pattern.matches($0) }
            if events.isEmpty { return FirehoseRecordAnswer(recordID: record.recordID, result: .dropped, data: "") }
        }
        var out: [UInt8] = []
        for var event in events {
            configuration.redactor?.apply(to: &event)
            encode(event, into: &out)
        }
        return FirehoseRecordAnswer(recordID: record.recordID, result: .ok, data: Base64.encode(out))
    }

    /// Appends one event in the configured shape: Splunk envelopes back to back (HEC's batch
    /// format), Datadog entries and bare events one per line.
    private func encode(_ event: Event, into out: inout [UInt8]) {
        let entry = OutboxEntry(
            id: 0, eventID: event.eventID, timestamp: event.timestamp, platform: event.platform,
            payload: event.encoded(),
            enqueuedAt: event.timestamp)
        if let splunk {
            splunk.append(entry, to: &out)
        } else if let datadog {
            out.append(contentsOf: datadog.encode(entry))
            out.append(UInt8(ascii: "\n"))
        } else {
            out.append(contentsOf: entry.payload)
            out.append(UInt8(ascii: "\n"))
        }
    }

    /// The response `{"records":[...]}` within `maxBytes`, and the answers as sent. Every record is
    /// first counted as it is sent when its data does not fit (empty `data`, with the failure reason);
    /// then, in order, each gets its data while the total stays within the limit. An `Ok` record that does not fit becomes `ProcessingFailed`
    /// with empty data (Firehose backs up its original); a failed record keeps its original data
    /// only when it fits.
    static func responseBody(_ answers: [FirehoseRecordAnswer], maxBytes: Int) -> (
        body: [UInt8], answers: [FirehoseRecordAnswer]
    ) {
        let prefix = Array(#"{"records":["#.utf8)
        let suffix = Array("]}".utf8)
        // Counting the failure reason up front keeps a record that does not fit from adding bytes
        // after the others were placed (the response once passed the limit that way).
        var final = answers.map { answer -> FirehoseRecordAnswer in
            var item = answer
            guard !item.data.isEmpty else { return item }
            item.data = ""
            if item.result == .ok {
                item.result = .processingFailed
                item.reason = "the transformed record would push the response past \(maxBytes) bytes"
            }
            return item
        }
        var minimal = final.map(encode)
        var total = prefix.count + suffix.count + max(answers.count - 1, 0) + minimal.reduce(0) { $0 + $1.count }
        for index in answers.indices where !answers[index].data.isEmpty {
            let full = encode(answers[index])
            let extra = full.count - minimal[index].count
            if total + extra <= maxBytes {
                total += extra
                minimal[index] = full
                final[index] = answers[index]
            }
        }
        var body = prefix
        body.reserveCapacity(total)
        for (index, item) in minimal.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(contentsOf: item)
        }
        body.append(contentsOf: suffix)
        return (body, final)
    }

    private static func encode(_ answer: FirehoseRecordAnswer) -> [UInt8] {
        var out = Array(#"{"recordId":"#.utf8)
        JSONWriter.writeString(answer.recordID, into: &out)
        out.append(contentsOf: #","result":""#.utf8)
        out.append(contentsOf: answer.result.rawValue.utf8)
        out.append(contentsOf: #"","data":"#.utf8)
        JSONWriter.writeString(answer.data, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
