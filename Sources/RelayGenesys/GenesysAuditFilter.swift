import RelayCore

/// One `AuditQueryFilter` of the Genesys Cloud audit queries: records whose `property` equals
/// `value`. Several filters are ANDed by the platform.
public struct GenesysAuditFilter: Sendable, Equatable, CustomStringConvertible {
    /// The properties the audit queries accept (the platform's `AuditQueryFilter.property` enum).
    public static let properties = ["UserId", "TrusteeOrganizationId", "ClientId", "Action", "EntityType", "EntityId"]

    /// One of ``properties``, spelled as the API spells it (case-sensitive).
    public var property: String
    /// The value the property must equal, e.g. a user id or `"Delete"`.
    public var value: String

    public init(property: String, value: String) {
        self.property = property
        self.value = value
    }

    /// Every problem with this filter, each as `"<field>: <message>"`; empty when it is usable.
    public func problems() -> [String] {
        var problems: [String] = []
        if !Self.properties.contains(property) {
            problems.append(
                "property: \"\(property)\" is not a property the audit query filters on (one of "
                    + Self.properties.joined(separator: ", ") + ")")
        }
        if value.isEmpty { problems.append("value: must not be empty") }
        return problems
    }

    /// The filter as the request body's `filters` element.
    public var json: JSONValue {
        ["property": .string(property), "value": .string(value)]
    }

    public var description: String { "\(property)=\(value)" }
}
