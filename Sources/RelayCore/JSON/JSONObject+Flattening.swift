extension JSONObject {
    /// Appends `value` under `key`; when it is an object, its members go under `key.member`
    /// instead, recursively (arrays are kept whole). This is how normalizers turn a record's nested
    /// fields into searchable attributes (`message.message`, `initiatingAction.transactionId`).
    /// - Parameters:
    ///   - skipping: Members of the top object to leave out (mapped to common fields elsewhere).
    ///   - memberKey: Maps each nested member's own key before it is joined (default: unchanged).
    public mutating func appendFlattened(
        _ value: JSONValue, key: String, skipping: [String] = [], memberKey: (String) -> String = { $0 }
    ) {
        guard case .object(let object) = value else {
            append(key: key, value: value)
            return
        }
        for member in object.members where !skipping.contains(member.key) {
            appendFlattened(member.value, key: Self.dottedKey(key, memberKey(member.key)), memberKey: memberKey)
        }
    }

    /// `parent.child`, built in one allocation (a `+` chain makes an intermediate string).
    static func dottedKey(_ parent: String, _ child: String) -> String {
        var key = ""
        key.reserveCapacity(parent.utf8.count + 1 + child.utf8.count)
        key += parent
        key += "."
        key += child
        return key
    }
}
