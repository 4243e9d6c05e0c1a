/// Datadog log search queries, built from ``SchemaField``s and the ``AlertCatalog``. Event fields
/// are top-level attributes (`@event_type`), attributes nested (`@attributes.disconnect_type`).
struct DatadogQueries {
    let input: GenerateInput

    /// `service:ccrelay` (several sinks: `(service:a OR service:b)`).
    var events: String {
        var services: [String] = []
        for sink in input.datadog where !services.contains(sink.service) { services.append(sink.service) }
        let terms = services.map { "service:\(value($0))" }
        return terms.count == 1 ? terms[0] : "(" + terms.joined(separator: " OR ") + ")"
    }

    static func facet(_ field: SchemaField) -> String { "@" + field.path }

    private var audit: String { "\(Self.facet(.sourceKind)):\(AlertCatalog.auditSourceKind)" }

    private var changesOnly: String {
        AlertCatalog.readOnlyEventTypeSuffixes.map { "-\(Self.facet(.eventType)):*\($0)" }.joined(separator: " ")
    }

    /// The alert's log query; `nil` for an alert Datadog cannot express (delivery lag: log
    /// queries do not see the intake time).
    func query(for alert: AlertCatalog.Alert) -> String? {
        switch alert {
        case .oauthClientViewed:
            "\(events) \(audit) \(Self.facet(.targetType)):\(anyOf(AlertCatalog.oauthClientEntityTypes)) "
                + "\(Self.facet(.eventType)):\(anyOf(AlertCatalog.oauthClientReadEventTypes))\(privilegedClients)"
        case .privilegeChangeOffHours:
            "\(events) \(audit) \(Self.facet(.targetType)):\(anyOf(AlertCatalog.privilegeEntityTypes)) \(changesOnly)"
        case .configurationBurst:
            "\(events) \(audit) \(changesOnly)"
        case .deliveryLag:
            nil
        case .deliverySilence:
            events
        }
    }

    /// ` @target_id:(a OR b)`: the high-privilege clients the OAuth-secret monitor is scoped to
    /// (the query list is the lookup: edit it in the monitor); empty without listed clients.
    var privilegedClients: String {
        input.privilegedClients.isEmpty ? "" : " \(Self.facet(.targetID)):\(anyOf(input.privilegedClients))"
    }

    /// Disconnects by the other party (`PEER`, relative to the participant whose event it is).
    var hangUps: String {
        "\(events) \(Self.facet(.sourceKind)):\(AlertCatalog.conversationSourceKind) "
            + "\(Self.facet(.disconnectType)):\(AlertCatalog.customerHangUp)"
    }

    /// Conversation detail events of one type, optionally with one `disconnect_type`.
    func conversationEvents(_ eventType: String, disconnectType: String? = nil) -> String {
        "\(events) \(Self.facet(.sourceKind)):\(AlertCatalog.conversationSourceKind) \(Self.facet(.eventType)):\(value(eventType))"
            + (disconnectType.map { " \(Self.facet(.disconnectType)):\(value($0))" } ?? "")
    }

    /// Backend errors (the user's own names).
    var backendErrors: String {
        "\(input.backend.datadogQuery) \(input.backend.datadogStatusAttribute):\(input.backend.errorStatus)"
    }

    /// Audit events.
    var auditEvents: String { "\(events) \(audit)" }

    private func anyOf(_ values: [String]) -> String {
        values.count == 1 ? value(values[0]) : "(" + values.map(value).joined(separator: " OR ") + ")"
    }

    /// A value, quoted when it holds characters with a meaning in the query syntax.
    private func value(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }
        return plain ? text : quoted(text)
    }
}
