import RelayCore
import Synchronization

/// How the emulated cluster behaves. Every field has a default.
public struct ElasticsearchConfiguration: Sendable {
    /// Encoded API keys accepted in `Authorization: ApiKey …`. Default `[defaultAPIKey]`.
    public var apiKeys: Set<String>
    /// Users accepted in `Authorization: Basic …`, name → password. Default `["elastic": defaultPassword]`.
    public var users: [String: String]
    /// Largest uncompressed request body; larger is answered 413. Default 100 MB
    /// (`http.max_content_length`).
    public var maxRequestBytes: Int

    /// The API key the sandbox hands out by default.
    public static let defaultAPIKey = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
    /// The password of the default `elastic` user.
    public static let defaultPassword = "sandbox-elastic-password"

    /// A cluster configuration; each parameter defaults as its property documents.
    public init(
        apiKeys: Set<String> = [defaultAPIKey], users: [String: String] = ["elastic": defaultPassword],
        maxRequestBytes: Int = 100_000_000
    ) {
        self.apiKeys = apiKeys
        self.users = users
        self.maxRequestBytes = maxRequestBytes
    }
}

/// One document as the emulated cluster stored it.
public struct ElasticsearchDocument: Sendable, Equatable {
    /// The index or data stream it was created in.
    public var index: String
    /// Its `_id`.
    public var id: String
    /// The source document.
    public var source: JSONObject

    /// A stored document.
    public init(index: String, id: String, source: JSONObject) {
        self.index = index
        self.id = id
        self.source = source
    }

    /// `event_id` when the document is a ccrelay event.
    public var eventID: String? { source["event_id"]?.stringValue }
}

/// A failure the cluster serves in place of handling a `_bulk` request.
public enum ElasticsearchFault: Sendable, Equatable {
    /// 429 for the whole request (`es_rejected_execution_exception`), with `Retry-After` in seconds.
    case throttled(retryAfterSeconds: Int)
    /// The first `count` items of the request are answered 429 each; the others are handled.
    case throttledItems(count: Int)
    /// 503 for the whole request.
    case unavailable
    /// 401 for the whole request, whatever the credentials.
    case unauthorized
    /// The request is handled (its items indexed), then the connection is closed without an
    /// answer, as when a proxy or the client's timeout cuts a slow `_bulk` short: the client cannot
    /// tell that its items were indexed, and a resend of them is answered 409 item by item.
    case answerLost
    /// No fault: the request is handled normally (scripts a fault for a later request).
    case pass
}

/// Counters of what the cluster has served.
public struct ElasticsearchStats: Sendable, Equatable {
    /// Every `_bulk` request received.
    public var requests = 0
    /// Items created.
    public var created = 0
    /// Items refused 409 because their `_id` exists.
    public var conflicts = 0
    /// Items refused for a mapping or parsing error.
    public var itemErrors = 0
    /// Requests answered with an injected ``ElasticsearchFault`` (item faults included).
    public var faultsServed = 0
    /// All counters zero.
    public init() {}
}

/// A faithful local stand-in for an Elasticsearch / OpenSearch cluster's `POST /_bulk`: credentials
/// checked (API key or basic), gzip bodies, `create` and `index` actions, 409 for an existing
/// `_id` on `create`, dynamic mapping (a field's first value fixes its type; a later value of
/// another type is refused 400 `document_parsing_exception`), `@timestamp` required by data
/// streams (`logs-*`), faults on demand. Serve it with
/// ``Sandbox/withRunning(elasticsearch:logger:_:)``.
public final class ElasticsearchEmulator: Sendable {
    struct State {
        var documents: [ElasticsearchDocument] = []
        var ids: Set<String> = []
        /// Index → top-level field → kind name of its mapping.
        var mappings: [String: [String: String]] = [:]
        var faults: [ElasticsearchFault] = []
        var stats = ElasticsearchStats()
    }

    /// The cluster's behaviour.
    public let configuration: ElasticsearchConfiguration
    let state = Mutex(State())

    /// A cluster behaving per `configuration`.
    public init(configuration: ElasticsearchConfiguration = .init()) {
        self.configuration = configuration
    }

    /// Every stored document, in arrival order.
    public var documents: [ElasticsearchDocument] { state.withLock { $0.documents } }

    /// What the cluster has served so far.
    public var stats: ElasticsearchStats { state.withLock { $0.stats } }

    /// Queues faults, consumed one per `_bulk` request, in order, before any other handling.
    public func injectFaults(_ faults: [ElasticsearchFault]) {
        state.withLock { $0.faults.append(contentsOf: faults) }
    }

    /// Fixes the type of `field` in `index` before any document arrives (an index template's
    /// mapping): `string`, `number`, `boolean`, `object` or `array`.
    public func map(index: String, field: String, as kind: String) {
        state.withLock { $0.mappings[index, default: [:]][field] = kind }
    }
}
