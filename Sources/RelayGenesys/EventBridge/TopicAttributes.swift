import RelayCore

/// Attribute helpers shared by the push-topic normalizers: camelCase keys to snake_case, nested
/// objects flattened to dotted keys.
enum TopicAttributes {
    /// `interactingDurationMs` → `interacting_duration_ms`, `ANI` → `ani`, `queueId` → `queue_id`.
    /// A topic's body keys are few and come with every event, so results are remembered.
    static func snakeCase(_ key: String) -> String {
        snakeCased.value(for: key, derive: uncachedSnakeCase)
    }

    private static let snakeCased = BoundedMemo<String, String>()

    static func uncachedSnakeCase(_ key: String) -> String {
        if let ascii = asciiSnakeCase(key) { return ascii }
        var out = ""
        out.reserveCapacity(key.utf8.count + 4)
        let scalars = Array(key.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let isUpper = scalar.properties.isUppercase
            if isUpper, index > 0 {
                let previous = scalars[index - 1]
                let nextIsLower = index + 1 < scalars.count && scalars[index + 1].properties.isLowercase
                let previousIsWordy = previous.properties.isLowercase || ("0"..."9").contains(previous)
                if previousIsWordy || (previous.properties.isUppercase && nextIsLower) { out.append("_") }
            }
            if scalar == "-" || scalar == " " {
                out.append("_")
            } else {
                out.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    /// The same rules on bytes for the usual all-ASCII key (no Unicode property lookups); `nil` when
    /// `key` has a non-ASCII byte.
    private static func asciiSnakeCase(_ key: String) -> String? {
        key.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
            func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
            func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
            // At most one `_` is added per byte; writing straight into the string's storage keeps
            // short keys allocation-free.
            return String(unsafeUninitializedCapacity: bytes.count * 2) { out in
                var count = 0
                for index in bytes.indices {
                    let byte = bytes[index]
                    if isUpper(byte), index > 0 {
                        let previous = bytes[index - 1]
                        let nextIsLower = index + 1 < bytes.count && isLower(bytes[index + 1])
                        if isLower(previous) || isDigit(previous) || (isUpper(previous) && nextIsLower) {
                            out[count] = UInt8(ascii: "_")
                            count += 1
                        }
                    }
                    if byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ") {
                        out[count] = UInt8(ascii: "_")
                    } else {
                        out[count] = isUpper(byte) ? byte + 32 : byte
                    }
                    count += 1
                }
                return count
            }
        } ?? nil
    }

    /// Writes `value` under the snake_case of `key`, objects recursively as `key.member` (each part
    /// snake_cased); arrays are kept as arrays.
    static func flatten(_ value: JSONValue, key: String, into attributes: inout JSONObject) {
        attributes.appendFlattened(value, key: snakeCase(key), memberKey: snakeCase)
    }

    /// The concrete id segment of a topic at `index`, when present.
    static func segment(_ segments: [Substring], _ index: Int) -> String? {
        index < segments.count && !segments[index].isEmpty ? String(segments[index]) : nil
    }

    /// Upper snake case of dotted topic parts: `customer.end` → `CUSTOMER_END`.
    static func upperSnake<S: Sequence>(_ parts: S) -> String where S.Element: StringProtocol {
        parts.map { snakeCase(String($0)).uppercased() }.joined(separator: "_")
    }
}
