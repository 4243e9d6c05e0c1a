import RelayCore
import RelayHTTP

/// One record of an object Amazon Data Firehose wrote to its S3 backup after it gave up delivering
/// to an HTTP endpoint (docs/protocols.md, "Firehose S3 backup objects").
///
/// What this relies on (AWS, "Handle data delivery failures" and "Handle failure in data
/// transformation"): a failed-delivery object holds one JSON document per record, written one per
/// line, each with `rawData` (the record's bytes, base64) and the attempt's story: `attemptsMade`,
/// `arrivalTimestamp` and `attemptEndingTimestamp` (epoch milliseconds), `errorCode`,
/// `errorMessage`, and per destination an id (`EventId` for Splunk, `requestId`…). Only `rawData` is
/// required here; `arrivalTimestamp` and `errorCode` are kept when present (numbers or numeric
/// strings, as AWS's examples show both) for the report, the rest ignored, so an added field does
/// not break a re-drive.
public struct FirehoseBackupRecord: Sendable, Equatable {
    /// The record's line in its object (1-based).
    public var line: Int
    /// The record's bytes as Firehose received them, base64 (`rawData`).
    public var rawData: String
    /// `arrivalTimestamp` (epoch ms), when present.
    public var arrivalTimestamp: Int64?
    /// `errorCode` of the last attempt, when present (`HttpEndpoint.DestinationException`…).
    public var errorCode: String?

    public init(
        line: Int, rawData: String, arrivalTimestamp: Int64? = nil, errorCode: String? = nil
    ) {
        self.line = line
        self.rawData = rawData
        self.arrivalTimestamp = arrivalTimestamp
        self.errorCode = errorCode
    }
}

/// Why an object, or one line of it, could not be read as a Firehose backup.
public struct FirehoseBackupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable, Equatable {
        /// The object starts as gzip but does not inflate (or inflates beyond the limit).
        case badGzip
        /// A line is not JSON.
        case notJSON
        /// A line is JSON but not an object.
        case notAnObject
        /// A line has no `rawData` string.
        case missingRawData
        /// The object could not be fetched.
        case unreadable
    }

    public let code: Code
    /// The text of the bad line (empty for a whole object), for the dead letter.
    public let raw: String
    /// What was wrong and where: `s3://bucket/key line 3: not JSON (…)`.
    public let message: String

    public init(_ code: Code, object: String, line: Int? = nil, raw: String = "", _ what: String) {
        self.code = code
        self.raw = raw
        self.message = line.map { "\(object) line \($0): \(what)" } ?? "\(object): \(what)"
    }

    public var description: String { message }
}

/// Reads a Firehose backup object: gzip (Firehose's backup compression setting, recognised by its
/// magic bytes, whatever the key's suffix; one gzip member, its CRC-32 and size checked) or plain,
/// then one JSON document per line.
public enum FirehoseBackupObject {
    /// The records of an object and the failures of its bad lines, in line order.
    public struct Parsed: Sendable, Equatable {
        public var records: [FirehoseBackupRecord] = []
        public var failures: [FirehoseBackupError] = []
    }

    /// Parses `bytes`, the object named `object` (`s3://bucket/key`, used in every failure).
    /// - Parameter maxInflatedBytes: a gzip object inflating beyond this is refused.
    /// - Throws: `badGzip` when the object cannot be inflated; a bad line is a failure in the result.
    public static func parse(_ bytes: [UInt8], object: String, maxInflatedBytes: Int) throws(FirehoseBackupError)
        -> Parsed
    {
        var text = bytes
        if bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B {
            // An object cut short fails here: the stream must end with its trailer checked.
            do {
                text = try Gzip.decompress(bytes, maxBytes: maxInflatedBytes)
            } catch {
                throw FirehoseBackupError(.badGzip, object: object, error.message)
            }
        }
        var parsed = Parsed()
        var lineNumber = 0
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { $0 > 0x20 }) else { continue }
            let raw = String(decoding: line, as: UTF8.self)
            let value: JSONValue
            do {
                value = try JSONParser.parse(line)
            } catch {
                parsed.failures.append(
                    FirehoseBackupError(.notJSON, object: object, line: lineNumber, raw: raw, "not JSON (\(error))"))
                continue
            }
            guard case .object = value else {
                let what = "a JSON \(value.kindName), not a backup record object"
                parsed.failures.append(
                    FirehoseBackupError(.notAnObject, object: object, line: lineNumber, raw: raw, what))
                continue
            }
            guard let rawData = value["rawData"]?.stringValue else {
                parsed.failures.append(
                    FirehoseBackupError(
                        .missingRawData, object: object, line: lineNumber, raw: raw, "rawData: missing or not a string")
                )
                continue
            }
            parsed.records.append(
                FirehoseBackupRecord(
                    line: lineNumber, rawData: rawData, arrivalTimestamp: integer(value["arrivalTimestamp"]),
                    errorCode: value["errorCode"]?.stringValue))
        }
        return parsed
    }

    private static func integer(_ value: JSONValue?) -> Int64? {
        value?.int64Value ?? value?.stringValue.flatMap { Int64($0) }
    }
}
