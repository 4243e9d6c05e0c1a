import RelayAWSCore
import RelayCore

/// Turns one pushed event (a parsed EventBridge event) into a normalized ``Event``, throwing
/// `RelayError(.malformedRecord)` naming the field when it cannot. The platform's normalizer is
/// injected, so the receivers know no vendor.
public typealias PushEventNormalizer = @Sendable (JSONValue) throws(RelayError) -> Event

/// What the events of one pushed payload became.
struct DecodedRecords: Sendable {
    var events: [Event] = []
    var malformed: [MalformedRecord] = []
}

/// Splits a pushed payload into events: one JSON event, or several written back to back or one
/// per line (newline-delimited). Whatever does not parse or normalize becomes a ``MalformedRecord``
/// carrying its raw text and the reason, prefixed with `location` (`records[3]`); the rest flows.
enum PushRecordDecoder {
    static func decode(_ bytes: [UInt8], location: String, normalize: PushEventNormalizer, into result: inout DecodedRecords) {
        if let values = try? JSONParser.parseConcatenated(bytes) {
            guard !values.isEmpty else {
                result.malformed.append(MalformedRecord(raw: "", reason: "\(location): empty record"))
                return
            }
            for (index, value) in values.enumerated() {
                let place = values.count == 1 ? location : "\(location) event #\(index)"
                normalizeOne(value, raw: nil, location: place, normalize: normalize, into: &result)
            }
            return
        }
        // Not a clean sequence of JSON values: take it line by line so one broken line costs only itself.
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { !isWhitespace($0) }) else { continue }
            let place = "\(location) line \(lineNumber)"
            do {
                let value = try JSONParser.parse(line)
                normalizeOne(value, raw: Array(line), location: place, normalize: normalize, into: &result)
            } catch {
                result.malformed.append(MalformedRecord(raw: rawText(Array(line)), reason: "\(place): not a JSON event: \(error)"))
            }
        }
    }

    private static func normalizeOne(
        _ value: JSONValue, raw: [UInt8]?, location: String, normalize: PushEventNormalizer, into result: inout DecodedRecords
    ) {
        do {
            result.events.append(try normalize(value))
        } catch {
            let text = raw.map(rawText) ?? JSONWriter.string(value)
            result.malformed.append(MalformedRecord(raw: text, reason: "\(location): \(error.message)"))
        }
    }

    /// The bytes as text when they are UTF-8, else their base64 (so nothing is lost in the dead letter).
    static func rawText(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return "base64:" + Base64.encode(bytes)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
