import RelayCore

/// Configuration of a Microsoft Sentinel sink (`type: sentinel`),
/// writing rows of the `CCRelay_CL` table through the Azure Monitor Logs Ingestion API
/// (`POST {endpoint}/dataCollectionRules/{dcr_immutable_id}/streams/{stream}?api-version=2023-01-01`)
/// with an Entra ID token from the client-credentials flow.
public struct SentinelSinkConfiguration: Sendable, Equatable {
    /// The sink's name in the config; also its outbox's name.
    public var name: String
    /// The data collection endpoint's logs ingestion URL (or the DCR's own `logsIngestion`
    /// endpoint), e.g. `https://my-dce-abcd.westeurope-1.ingest.monitor.azure.com`. Required.
    public var endpoint: String
    /// The data collection rule's immutable id (`dcr-` followed by 32 hex digits). Required.
    public var dcrImmutableID: String
    /// The DCR stream the rows are declared by. Default ``defaultStream`` (`Custom-CCRelay`), the
    /// stream `ccrelay generate sentinel`'s DCR declares.
    public var stream: String
    /// The Entra ID tenant (directory) id of the app registration. Required.
    public var tenantID: String
    /// The app registration's application (client) id. Required.
    public var clientID: String
    /// The app registration's client secret (a secret: never logged).
    public var clientSecret: Credential
    /// The Entra ID host tokens are requested from, for sovereign clouds and tests.
    /// Default `https://login.microsoftonline.com`.
    public var authorityHost: String
    /// The token's scope. Default `https://monitor.azure.com//.default` (Azure public cloud).
    public var scope: String
    /// gzip request bodies. Default true.
    public var gzip: Bool
    /// Whole-request timeout. Default 30 s.
    public var requestTimeout: Duration
    /// Default 500 events, 1,000,000 bytes, 1 s.
    public var batch: BatchConfiguration
    /// Default 5 attempts, backoff 1 s doubling to 60 s, full jitter.
    public var retry: RetryPolicy

    /// The input stream of the generated DCR (`streamDeclarations`), which its data flow writes
    /// to the `CCRelay_CL` table (output stream `Custom-CCRelay_CL`).
    public static let defaultStream = "Custom-CCRelay"

    /// The Logs Ingestion API's limits (docs/protocols.md, "Microsoft Sentinel (Logs Ingestion API)").
    public enum Limits {
        /// Largest request body, compressed or not: 1 MB (taken as 1,000,000 bytes of JSON).
        public static let requestBytes = 1_000_000
        /// The API version the sink speaks.
        public static let apiVersion = "2023-01-01"
    }

    /// A configuration; each parameter defaults as its property documents.
    public init(
        name: String,
        endpoint: String,
        dcrImmutableID: String,
        stream: String = SentinelSinkConfiguration.defaultStream,
        tenantID: String,
        clientID: String,
        clientSecret: some CredentialConvertible,
        authorityHost: String = "https://login.microsoftonline.com",
        scope: String = "https://monitor.azure.com//.default",
        gzip: Bool = true,
        requestTimeout: Duration = .seconds(30),
        batch: BatchConfiguration = BatchConfiguration(maxEvents: 500, maxBytes: 1_000_000),
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.name = name
        self.endpoint = endpoint
        self.dcrImmutableID = dcrImmutableID
        self.stream = stream
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecret = clientSecret.credential
        self.authorityHost = authorityHost
        self.scope = scope
        self.gzip = gzip
        self.requestTimeout = requestTimeout
        self.batch = batch
        self.retry = retry
    }

    /// The URL rows are posted to.
    public var ingestionURL: String {
        Self.trimmed(endpoint) + "/dataCollectionRules/\(Self.pathSegment(dcrImmutableID))/streams/"
            + "\(Self.pathSegment(stream))?api-version=\(Limits.apiVersion)"
    }

    /// The Entra ID token endpoint of the tenant.
    public var tokenURL: String {
        Self.trimmed(authorityHost) + "/\(Self.pathSegment(tenantID))/oauth2/v2.0/token"
    }

    /// Pure checks: `"key: message"` for each value the API would refuse.
    public func problems() -> [String] {
        var problems: [String] = []
        if !dcrImmutableID.hasPrefix("dcr-") {
            problems.append("dcr_immutable_id: \"\(dcrImmutableID)\" is not a DCR immutable id (dcr-...)")
        }
        if !stream.hasPrefix("Custom-") && !stream.hasPrefix("Microsoft-") {
            problems.append("stream: \"\(stream)\" must start with Custom- or Microsoft-")
        }
        return problems
    }

    static func trimmed(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// `text` with every byte outside RFC 3986's unreserved set percent-encoded.
    static func pathSegment(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF")
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
