/// The alerts every SIEM target gets, described once; each dialect renders them.
///
/// Values that name Genesys entity types and ccrelay event types are the ones the normalizer
/// derives (`GenesysEventType.derive`): the tests check that they are.
public enum AlertCatalog {
    /// A generated alert.
    public enum Alert: String, Sendable, CaseIterable {
        /// Someone read an OAuth client (whose secret the UI shows): the security playbook's first alert.
        case oauthClientViewed = "oauth_client_viewed"
        /// A role or permission changed on a weekend or outside business hours (UTC).
        case privilegeChangeOffHours = "privilege_change_off_hours"
        /// One actor made many configuration changes in a short window.
        case configurationBurst = "configuration_burst"
        /// ccrelay delivers late: events indexed long after they happened.
        case deliveryLag = "delivery_lag"
        /// ccrelay delivered nothing for a while (halted intake, dead-lettered batches, outage).
        case deliverySilence = "delivery_silence"

        /// Title, shared by every SIEM.
        public var title: String {
            switch self {
            case .oauthClientViewed: "ccrelay - OAuth client secret viewed"
            case .privilegeChangeOffHours: "ccrelay - Role or permission change outside business hours"
            case .configurationBurst: "ccrelay - Burst of configuration changes by one actor"
            case .deliveryLag: "ccrelay - Delivery lag"
            case .deliverySilence: "ccrelay - No events delivered"
            }
        }

        /// Whether the alert selects events by arrival in the SIEM (index / receipt time) rather
        /// than by event time: a security event must alert however late it arrives (throttling,
        /// outage backlog, backfill, records Genesys persists late). The other alerts are about
        /// when things happened (bursts) or about arrival itself (lag, silence).
        public var selectsByArrival: Bool { self == .oauthClientViewed || self == .privilegeChangeOffHours }

        /// The EventBridge pattern (over the normalized event) of an alert one event decides, for
        /// the relay's `detections:`; `nil` for alerts over windows (bursts, lag, silence) and for
        /// off-hours role changes, since a pattern cannot test the hour or weekday of a timestamp.
        public var detectionPattern: String? {
            switch self {
            case .oauthClientViewed:
                #"{"source_kind":["\#(AlertCatalog.auditSourceKind)"],"event_type":\#(AlertCatalog.jsonList(AlertCatalog.oauthClientReadEventTypes))}"#
            case .privilegeChangeOffHours, .configurationBurst, .deliveryLag, .deliverySilence: nil
            }
        }

        /// The severity of the relay detection (`info`, `warning`, `critical`).
        public var detectionSeverity: String { self == .oauthClientViewed ? "critical" : "warning" }

        /// Fields a relay detection throttles by: one alert per actor and object.
        public var detectionGroupBy: [String] { ["actor_id", "target_id"] }

        /// What the alert means and what to do, shared by every SIEM.
        public var summary: String {
            switch self {
            case .oauthClientViewed:
                "An OAuth client was read; the client secret is visible to whoever reads it. Confirm the actor had a reason, rotate the secret otherwise."
            case .privilegeChangeOffHours:
                "A role, role setting or user authorization changed on a weekend or outside business hours (UTC). Confirm the change with its actor."
            case .configurationBurst:
                "One actor changed many configuration objects in a short window: a script, a migration or a compromised account."
            case .deliveryLag:
                "Events reach the SIEM long after they happened: ccrelay is behind (rate limits, destination outage, retries). Check `ccrelay dlq list` and the ccrelay logs."
            case .deliverySilence:
                "No ccrelay event arrived in the window: an intake halted (rejected credential), batches went to the dead-letter table, or ccrelay is down. Run `ccrelay check` and `ccrelay dlq list`."
            }
        }
    }

    /// Operational alerts on an edge's own load, from its metrics events: not security alerts, so
    /// not ``Alert`` cases (no relay detection, no SOC paging); thresholds from ``GeneratedAlertThresholds``.
    public enum EdgeAlert: String, Sendable, CaseIterable {
        /// Average processor load above ``GeneratedAlertThresholds/edgeCPUPct``.
        case cpu = "edge_cpu_high"
        /// Physical memory in use above ``GeneratedAlertThresholds/edgeMemoryPct``.
        case memory = "edge_memory_high"

        /// The metric: `attributes.cpu_pct` or `attributes.memory_used_pct`.
        public var field: SchemaField {
            self == .cpu ? .attribute("cpu_pct") : .attribute("memory_used_pct")
        }

        /// The percentage above which the alert fires.
        public func threshold(_ settings: GeneratedAlertThresholds) -> Int {
            self == .cpu ? settings.edgeCPUPct : settings.edgeMemoryPct
        }

        /// `ccrelay - Edge CPU above 85%`.
        public func title(_ settings: GeneratedAlertThresholds) -> String {
            "ccrelay - Edge \(self == .cpu ? "CPU" : "memory") above \(threshold(settings))%"
        }

        /// What the alert means and what to do.
        public var summary: String {
            switch self {
            case .cpu:
                "A Genesys Cloud edge reports a high processor load: calls on it may lose audio or fail. Check the edge's calls and recent configuration changes."
            case .memory:
                "A Genesys Cloud edge reports high memory use: it may restart and drop its calls. Check the edge in Genesys Cloud (Telephony > Edges)."
            }
        }
    }

    /// The edge's name in the edge metrics events.
    public static let edgeName = SchemaField.attribute("edge_name")

    /// Entity types whose reads expose a client secret.
    public static let oauthClientEntityTypes = ["OAuthClient"]
    /// ccrelay event types of reading an OAuth client (actions `View` and `Read`).
    public static let oauthClientReadEventTypes = ["OAUTHCLIENT_VIEWED", "OAUTHCLIENT_READ"]
    /// Entity types that grant permissions.
    public static let privilegeEntityTypes = ["Role", "RoleSettings", "AuthUser", "OAuthClientAuthorization"]
    /// Event type suffixes of actions that change nothing (reads, exports, sign-ins).
    public static let readOnlyEventTypeSuffixes = [
        "_VIEWED", "_READ", "_DOWNLOADED", "_EXPORTED", "_AUTHENTICATED", "_AUTHENTICATION_FAILED", "_LOGGED_IN",
        "_LOGGED_OUT",
    ]
    /// Event types of sign-ins (Genesys `Login` and `Authenticate` actions, CXone agent logins), as
    /// Splunk wildcards: the Authentication data model's events.
    public static let signInEventTypes = ["*_LOGGED_IN", "*_AUTHENTICATED", "*_AUTHENTICATION_FAILED", "AGENT_LOGIN"]
    /// Entity types whose id is a user account (a user, a user's authorization); with
    /// ``privilegeEntityTypes``, the Change model's account management.
    public static let accountEntityTypes = ["User", "AuthUser"]
    /// The `source_kind` of edge metrics (`v2.telephony.providers.edges.{id}.metrics`).
    public static let edgeSourceKind = "edge_metrics"
    /// The `source_kind` of audit records.
    public static let auditSourceKind = "audit"
    /// The `source_kind` of conversation detail events.
    public static let conversationSourceKind = "conversation"
    /// The `disconnect_type` the overlay panels count. Disconnect types are relative to the
    /// participant: on `customer.end`, `PEER` means the other party (agent or system) hung up.
    public static let customerHangUp = "PEER"

    // Abandonment as Genesys Cloud defines it (analytics metric `tAbandon`, "Abandoned"): a customer
    // who disconnects in an ACD queue before connecting with an agent
    // (https://help.mypurecloud.com/faqs/what-do-abandons-include-in-genesys-cloud/). From the
    // detail events: a conversation with an `acd.start`, no `user.start` and a `customer.end` whose
    // `disconnect_type` is `ENDPOINT` (the customer's own side hung up).

    /// The event type of a conversation entering an ACD queue (`acd.start`).
    public static let queueEntryEventType = "CONVERSATION_ACD_START"
    /// The event type of an agent connecting (`user.start`).
    public static let agentConnectEventType = "CONVERSATION_USER_START"
    /// The event type of the customer leaving the conversation (`customer.end`).
    public static let customerEndEventType = "CONVERSATION_CUSTOMER_END"
    /// The `disconnect_type` of a `customer.end` where the customer's own side hung up.
    public static let ownSideHangUp = "ENDPOINT"
    /// The three event types the abandonment panels read.
    public static let abandonmentEventTypes = [queueEntryEventType, agentConnectEventType, customerEndEventType]

    static func jsonList(_ values: [String]) -> String {
        "[" + values.map { "\"\($0)\"" }.joined(separator: ",") + "]"
    }
}
