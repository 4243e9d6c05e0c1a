import RelayCore

/// The members of an object literal, so generators can start from a literal and append.
func members(_ value: JSONValue) -> JSONObject {
    value.objectValue ?? JSONObject()
}
