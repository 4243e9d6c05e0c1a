import RelayAWSCore
import RelayCore
import RelayHTTP

/// Why a Firehose request is refused: the HTTP status and an `errorMessage` naming what and where.
struct FirehoseRejection: Error, Sendable, Equatable {
    var status: Int
    var message: String

    /// The 400 for a request id longer than ``FirehoseReceiverConfiguration/maxRequestIDBytes``
    /// (`at` names where it was read), or `nil` for an id within it.
    static func overlongRequestID(_ id: String, at place: String) -> FirehoseRejection? {
        let limit = FirehoseReceiverConfiguration.maxRequestIDBytes
        guard id.utf8.count > limit else { return nil }
        return FirehoseRejection(
            status: 400, message: "\(place): \(id.utf8.count) bytes exceeds the limit of \(limit) bytes")
    }
}

/// A decoded Firehose HTTP-endpoint delivery request:
/// `{"requestId":"…","timestamp":1578090901599,"records":[{"data":"<base64>"}]}`.
struct FirehoseRequest: Sendable, Equatable {
    var requestID: String
    var timestamp: Int64?
    /// Each record's `data` text as sent (base64), `nil` when the record is not an object or its
    /// `data` is not a string; ``PushRecordDecoder`` decodes and judges each one.
    var records: [String?]

    /// Decodes a request body as received. Pure; never traps on any input.
    /// - Parameters:
    ///   - gzip: the body has `Content-Encoding: gzip`.
    ///   - maxInflatedBytes: the largest inflated body accepted: inflating stops there and the
    ///     request is refused with 400, which Firehose retries and then backs up to S3 (a 413 would
    ///     make Firehose drop the batch without backing it up).
    static func decode(body: [UInt8], gzip: Bool, maxInflatedBytes: Int) throws(FirehoseRejection) -> FirehoseRequest {
        var json = body
        if gzip {
            do {
                // A truncated stream or a wrong CRC-32 or length fails here too (zlib checks the trailer).
                json = try Gzip.decompress(body, maxBytes: maxInflatedBytes)
            } catch {
                if error.message.contains("beyond the limit") {
                    throw FirehoseRejection(
                        status: 400, message: "body: inflates beyond \(maxInflatedBytes) bytes (max_body_bytes)")
                }
                throw FirehoseRejection(
                    status: 400, message: "body: not valid gzip (Content-Encoding: gzip): \(error.message)")
            }
        }
        // The records are read one at a time, so a request of a million tiny records costs a small
        // multiple of its size rather than a tree of the whole document.
        var records: [String?] = []
        let document: JSONParser.StreamedObject
        do {
            document = try JSONParser.parseObject(json, streamingArrayAt: "records") { _, record in
                // A bad record is the decoder's to report, so the rest of the batch still flows.
                records.append(record["data"]?.stringValue)
                return true
            }
        } catch {
            switch error {
            case .notAnObject(let kind):
                throw FirehoseRejection(status: 400, message: "body: a JSON \(kind), not an object")
            case .syntax(let syntax): throw FirehoseRejection(status: 400, message: "body: not JSON: \(syntax)")
            }
        }
        let object = document.members
        guard let requestID = object["requestId"]?.stringValue, !requestID.isEmpty else {
            throw FirehoseRejection(status: 400, message: "requestId: missing or not a non-empty string")
        }
        if let tooLong = FirehoseRejection.overlongRequestID(requestID, at: "requestId") { throw tooLong }
        var timestamp: Int64?
        if let value = object["timestamp"] {
            guard let ms = value.int64Value else {
                throw FirehoseRejection(status: 400, message: "timestamp: not an integer of epoch milliseconds")
            }
            timestamp = ms
        }
        guard document.arrayFound else {
            throw FirehoseRejection(status: 400, message: "records: missing or not an array")
        }
        return FirehoseRequest(requestID: requestID, timestamp: timestamp, records: records)
    }
}

/// The response body Firehose requires: `{"requestId":<same>,"timestamp":<ms>}` plus `errorMessage`
/// on failure, compact JSON (Content-Length is set from it).
enum FirehoseResponseBody {
    static func encode(requestID: String, timestamp: Timestamp, errorMessage: String? = nil) -> [UInt8] {
        var object = JSONObject()
        object.append(key: "requestId", value: .string(requestID))
        object.append(key: "timestamp", value: .number(JSONNumber(timestamp.millisecondsSinceEpoch)))
        if let errorMessage { object.append(key: "errorMessage", value: .string(errorMessage)) }
        return JSONWriter.encode(.object(object))
    }
}
