import Logging
import RelayCore
import RelayHTTP

/// What a re-drive of Firehose backup objects did.
public struct FirehoseRedriveReport: Sendable, Equatable {
    /// Objects listed under the prefix.
    public var objects = 0
    /// Backup records read (lines with a `rawData`).
    public var records = 0
    /// Events the records decoded into.
    public var events = 0
    /// Events newly accepted into the outboxes (0 in a dry run).
    public var accepted = 0
    /// Events the dedup ledger already held (delivered before): skipped.
    public var duplicates = 0
    /// Bad lines and bad records, dead-lettered (counted, not written, in a dry run).
    public var deadLettered = 0
    /// Objects that could not be fetched or inflated, each with the reason; they stay in S3, so a
    /// rerun retries them.
    public var failedObjects: [String] = []
    /// The earliest and latest `arrivalTimestamp` of the records read (when Firehose received them).
    public var firstArrival: Timestamp?
    public var lastArrival: Timestamp?
    /// How many records failed with each last `errorCode` (why Firehose gave up).
    public var errorCodes: [String: Int] = [:]

    public init() {}
}

/// Reads the objects Firehose backed up to S3 under a prefix and feeds each record through the
/// source's ``PushRecordDecoder``, as the Firehose receiver does, then commits each object's events
/// and dead letters through the source's intake (partition `firehose`) in one transaction. The
/// dedup ledger drops events already delivered, so re-driving twice, or re-driving a batch Firehose
/// did deliver in the end, creates no duplicate downstream.
///
/// A line that is not a backup record, or a record that does not decode, is dead-lettered with a
/// reason naming the object and line (`s3://b/k line 3 rawData: not base64`); an object that
/// cannot be fetched or inflated is reported and skipped; the rest flows.
public struct FirehoseBackupRedrive: Sendable {
    private let client: S3Client
    private let decoder: PushRecordDecoder
    private let logger: Logger
    /// Largest object accepted, as stored and once inflated. Default 512 MiB (Firehose buffers at
    /// most 128 MiB before writing).
    public var maxObjectBytes = 512 << 20
    /// Most bad lines and records one object may dead-letter; an object with more is reported as
    /// failed and nothing of it is stored, as the receiver refuses such a request. Default 1,000
    /// (the source's `max_dead_letters_per_request`).
    public var maxDeadLettersPerObject = 1_000

    /// - Parameters:
    ///   - client: the backup bucket.
    ///   - normalize: the source's event normalizer (``FirehoseReceiverConfiguration/makeNormalizer()``).
    public init(client: S3Client, normalize: @escaping PushEventNormalizer, logger: Logger) {
        self.client = client
        self.decoder = PushRecordDecoder(normalize: normalize)
        self.logger = logger
    }

    /// Re-drives every object under `prefix`, in key order (Firehose's keys sort by time).
    /// - Parameter intake: where events go; `nil` for a dry run, which reads and decodes only.
    /// - Throws: `http.status` when the listing is refused; per-object failures are in the report.
    public func run(prefix: String, intake: (any SourceSender)?) async throws -> FirehoseRedriveReport {
        let keys = try await client.listKeys(prefix: prefix).sorted()
        var report = FirehoseRedriveReport()
        report.objects = keys.count
        for key in keys {
            try Task.checkCancellation()
            let object = "s3://\(client.bucket)/\(key)"
            let batch: ObjectBatch
            do {
                batch = try await read(key: key, object: object)
            } catch {
                report.failedObjects.append(error.message)
                logger.warning(
                    "Firehose backup object skipped",
                    metadata: ["ccrelay.object": "\(object)", "ccrelay.error": "\(error.message)"])
                continue
            }
            guard batch.malformed.count <= maxDeadLettersPerObject else {
                let message =
                    "\(object): \(batch.malformed.count) lines or records could not be decoded, more than "
                    + "\(maxDeadLettersPerObject) (max_dead_letters_per_request); nothing stored"
                report.failedObjects.append(message)
                logger.warning(
                    "Firehose backup object skipped: too many bad lines",
                    metadata: ["ccrelay.object": "\(object)", "ccrelay.count": "\(batch.malformed.count)"])
                continue
            }
            report.note(batch.records)
            report.events += batch.events.count
            report.deadLettered += batch.malformed.count
            guard let intake else { continue }
            let result = try await intake.commit(
                partition: FirehoseReceiver.partition, events: batch.events, malformed: batch.malformed, checkpoint: nil
            )
            report.accepted += result.accepted
            report.duplicates += result.duplicates
            logger.debug(
                "Firehose backup object re-driven",
                metadata: ["ccrelay.object": "\(object)", "ccrelay.accepted": "\(result.accepted)"])
        }
        return report
    }

    /// One object's events, its dead letters (bad lines and bad records) and how many records it held.
    private struct ObjectBatch {
        var events: [Event] = []
        var malformed: [MalformedRecord] = []
        var records: [FirehoseBackupRecord] = []
    }

    private func read(key: String, object: String) async throws(FirehoseBackupError) -> ObjectBatch {
        let response: InboundResponse
        do {
            response = try await client.getObject(key: key)
        } catch {
            throw FirehoseBackupError(.unreadable, object: object, error.message)
        }
        guard response.status == 200 else {
            throw FirehoseBackupError(.unreadable, object: object, S3Client.failure("get", response).message)
        }
        guard response.body.count <= maxObjectBytes else {
            throw FirehoseBackupError(.unreadable, object: object, "larger than \(maxObjectBytes) bytes")
        }
        let parsed = try FirehoseBackupObject.parse(response.body, object: object, maxInflatedBytes: maxObjectBytes)
        var batch = ObjectBatch(records: parsed.records)
        batch.malformed = parsed.failures.map { MalformedRecord(raw: $0.raw, reason: $0.message) }
        for record in parsed.records {
            let at = "\(object) line \(record.line) rawData"
            guard let bytes = Base64.decode(record.rawData) else {
                batch.malformed.append(MalformedRecord(raw: record.rawData, reason: "\(at): not base64"))
                continue
            }
            // Decoded without a location, a failure's reason reads `body…: what`; it is named by its
            // object and line instead (`s3://b/k line 3 rawData line 2: not a JSON event`).
            let decoded = decoder.decode(bytes, at: PushRecordLocation())
            batch.events += decoded.events
            for failure in decoded.failures {
                let what =
                    failure.reason.hasPrefix("body") ? String(failure.reason.dropFirst(4)) : ": " + failure.reason
                batch.malformed.append(MalformedRecord(raw: failure.raw, reason: at + what))
            }
        }
        return batch
    }
}

extension FirehoseRedriveReport {
    mutating func note(_ records: [FirehoseBackupRecord]) {
        self.records += records.count
        for record in records {
            if let code = record.errorCode { errorCodes[code, default: 0] += 1 }
            guard let arrival = record.arrivalTimestamp.map(Timestamp.init(millisecondsSinceEpoch:)) else { continue }
            firstArrival = min(firstArrival ?? arrival, arrival)
            lastArrival = max(lastArrival ?? arrival, arrival)
        }
    }
}
