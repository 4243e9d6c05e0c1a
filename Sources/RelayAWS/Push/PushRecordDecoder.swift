import RelayCore

/// Turns one pushed event (a parsed EventBridge event) into a normalized ``Event``, throwing
/// `RelayError(.malformedRecord)` naming the field when it cannot. The platform's normalizer is
/// injected, so the receivers know no vendor.
public typealias PushEventNormalizer = @Sendable (JSONValue) throws(RelayError) -> Event

/// The one decoder of pushed records, shared by the Firehose receiver, the EventBridge
/// API-destination receiver and the Firehose transformation Lambda.
///
/// A record's bytes hold one JSON event, or several written back to back or one per line
/// (newline-delimited). The rule for a bad record is the same on every path: each part that is
/// not base64, not JSON, not an object, empty, or does not normalize becomes a
/// ``PushRecordFailure`` naming what was wrong and where (record index, line or event, request id);
/// the rest of the record and of the batch still decodes. Each path then answers by its platform's
/// contract: the receivers dead-letter the failures and answer 200; the Lambda answers the record
/// `ProcessingFailed`.
public struct PushRecordDecoder: Sendable {
    private let normalize: PushEventNormalizer

    /// - Parameter normalize: the platform's event normalizer (e.g. Genesys EventBridge events).
    public init(normalize: @escaping PushEventNormalizer) {
        self.normalize = normalize
    }

    /// Decodes a record as Firehose carries it: base64 text in `data` (`nil` when the record has no
    /// `data` string). Stops once more than `maxFailures` parts failed (see ``decode(_:at:maxFailures:)``).
    public func decode(base64 data: String?, at location: PushRecordLocation, maxFailures: Int = .max)
        -> DecodedPushRecord
    {
        guard let data else {
            let failure = PushRecordFailure(
                .missingData, raw: "", at: location, part: ".data", "missing or not a string")
            return DecodedPushRecord(failure: failure)
        }
        guard let bytes = Base64.decode(data) else {
            return DecodedPushRecord(
                failure: PushRecordFailure(.notBase64, raw: data, at: location, part: ".data", "not base64"))
        }
        return decode(bytes, at: location, maxFailures: maxFailures)
    }

    /// Decodes a record's bytes into its events and the failures of its bad parts.
    /// - Parameter maxFailures: the caller refuses the request beyond this many failures, so
    ///   decoding stops (the result then holds `maxFailures + 1` failures and is incomplete).
    ///   Default unlimited.
    public func decode(_ bytes: [UInt8], at location: PushRecordLocation, maxFailures: Int = .max) -> DecodedPushRecord
    {
        var result = DecodedPushRecord()
        if let values = try? JSONParser.parseConcatenated(bytes) {
            guard !values.isEmpty else {
                result.failures.append(PushRecordFailure(.empty, raw: "", at: location, part: "", "empty record"))
                return result
            }
            if values.count == 1 {
                // The record is the event: a dead letter keeps its bytes as sent.
                normalizeOne(values[0], raw: bytes, at: location, part: "", into: &result)
                return result
            }
            for (index, value) in values.enumerated() {
                normalizeOne(value, raw: nil, at: location, part: " event #\(index)", into: &result)
                if result.failures.count > maxFailures { break }
            }
            return result
        }
        // Not a clean sequence of JSON values: take it line by line so one broken line costs only itself.
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { !Self.isWhitespace($0) }) else { continue }
            let part = " line \(lineNumber)"
            do {
                let value = try JSONParser.parse(line)
                normalizeOne(value, raw: Array(line), at: location, part: part, into: &result)
            } catch {
                let what = "not a JSON event: \(error)"
                result.failures.append(
                    PushRecordFailure(.notJSON, raw: Self.rawText(Array(line)), at: location, part: part, what))
            }
            if result.failures.count > maxFailures { break }
        }
        return result
    }

    private func normalizeOne(
        _ value: JSONValue, raw: [UInt8]?, at location: PushRecordLocation, part: String,
        into result: inout DecodedPushRecord
    ) {
        func text() -> String { raw.map(Self.rawText) ?? JSONWriter.string(value) }
        guard case .object = value else {
            let what = "a JSON \(value.kindName), not an event object"
            result.failures.append(PushRecordFailure(.notAnObject, raw: text(), at: location, part: part, what))
            return
        }
        do {
            result.events.append(try normalize(value))
        } catch {
            result.failures.append(
                PushRecordFailure(.notNormalized, raw: text(), at: location, part: part, error.message))
        }
    }

    /// The bytes as text when they are UTF-8, else their base64 (so nothing is lost in the dead letter).
    private static func rawText(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return "base64:" + Base64.encode(bytes)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// Where a pushed record sits, for the reason of a failure: `records[3] (request r-1)`, or `body`
/// for a request whose body is the record.
public struct PushRecordLocation: Sendable, Equatable, CustomStringConvertible {
    /// The record's index in its batch; `nil` when the request body is the record.
    public var index: Int?
    /// The id of the request (Firehose `requestId`, Lambda `invocationId`), when there is one.
    public var requestID: String?

    public init(index: Int? = nil, requestID: String? = nil) {
        self.index = index
        self.requestID = requestID
    }

    public var description: String { index.map { "records[\($0)]" } ?? "body" }

    fileprivate func naming(part: String) -> String {
        guard let requestID, !requestID.isEmpty else { return description + part }
        return "\(description)\(part) (request \(requestID))"
    }
}

/// What one pushed record became: its events, and a failure per bad part.
public struct DecodedPushRecord: Sendable {
    public var events: [Event] = []
    public var failures: [PushRecordFailure] = []

    public init(events: [Event] = [], failures: [PushRecordFailure] = []) {
        self.events = events
        self.failures = failures
    }

    init(failure: PushRecordFailure) {
        self.init(failures: [failure])
    }

    /// The failures as dead letters, each with its raw text and reason.
    public var malformed: [MalformedRecord] {
        failures.map { MalformedRecord(raw: $0.raw, reason: $0.reason) }
    }
}

/// Why (part of) a pushed record could not become an event.
public struct PushRecordFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable, Equatable {
        /// The record has no `data` string.
        case missingData
        /// The record's `data` is not base64.
        case notBase64
        /// The record holds nothing but whitespace.
        case empty
        /// A line of the record is not JSON.
        case notJSON
        /// A JSON value that is not an object.
        case notAnObject
        /// The platform's normalizer refused the event.
        case notNormalized
    }

    public let code: Code
    /// The text of the bad part (base64 prefixed `base64:` when it is not UTF-8), for the dead letter.
    public let raw: String
    /// What was wrong and where: `records[3] line 2 (request r-1): not a JSON event: …`.
    public let reason: String

    init(_ code: Code, raw: String, at location: PushRecordLocation, part: String, _ what: String) {
        self.code = code
        self.raw = raw
        self.reason = "\(location.naming(part: part)): \(what)"
    }

    public var description: String { reason }
}
