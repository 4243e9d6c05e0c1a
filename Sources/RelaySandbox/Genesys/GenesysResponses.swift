import HTTPTypes
import Hummingbird
import RelayCore

/// Genesys's wire shapes: `ErrorBody`, OAuth errors, response header names, form and Basic parsing.
enum GenesysWire {
    static let rateLimitCount = HTTPField.Name("inin-ratelimit-count")!
    static let rateLimitAllowed = HTTPField.Name("inin-ratelimit-allowed")!
    static let rateLimitReset = HTTPField.Name("inin-ratelimit-reset")!
    static let correlationID = HTTPField.Name("ININ-Correlation-Id")!
    static let retryAfter = HTTPField.Name("Retry-After")!

    /// An `ErrorBody` as the platform API returns it.
    static func errorBody(
        status: Int,
        code: String,
        message: String,
        contextID: String,
        limit: JSONValue? = nil
    ) -> JSONValue {
        var body = JSONObject([
            "message": .string(message),
            "code": .string(code),
            "status": .number(JSONNumber(status)),
            "contextId": .string(contextID),
            "details": [],
            "errors": [],
        ])
        if let limit { body["limit"] = limit }
        return .object(body)
    }

    /// An OAuth error of the login host: `{"error", "description", "error_description"}`.
    static func oauthError(_ error: String, _ description: String) -> JSONValue {
        ["error": .string(error), "description": .string(description), "error_description": .string(description)]
    }

    /// Decodes `application/x-www-form-urlencoded` text; later duplicates win.
    static func parseForm(_ bytes: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = percentDecode(parts[0]) else { continue }
            result[key] = parts.count > 1 ? percentDecode(parts[1]) ?? "" : ""
        }
        return result
    }

    private static func percentDecode(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The `id:secret` pair of HTTP Basic credentials (`base64(id:secret)`), when well formed.
    static func basicCredentials(_ encoded: Substring) -> (id: String, secret: String)? {
        guard let decoded = Base64.decode(encoded), let text = String(validating: decoded, as: UTF8.self),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
