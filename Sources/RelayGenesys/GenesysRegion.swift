import RelayCore

/// A Genesys Cloud region, named by its environment domain (`mypurecloud.com`, `euw2.pure.cloud`, ...).
///
/// Each region serves its API at `https://api.{environment}` and issues tokens at
/// `https://login.{environment}`. The list is the one PROTOCOLS.md records from the vendor's SDKs.
public struct GenesysRegion: Sendable, Hashable, CustomStringConvertible {
    /// The environment domain, e.g. `mypurecloud.ie`.
    public let environment: String

    private init(uncheckedEnvironment environment: String) {
        self.environment = environment
    }

    /// The region for an environment domain. Case and surrounding whitespace are ignored, and an
    /// `api.` or `login.` host prefix is tolerated, so `API.mypurecloud.de` names `mypurecloud.de`.
    /// - Throws: `RelayError(.configInvalid)` listing the valid environments when the name is unknown.
    public init(environment: String) throws(RelayError) {
        var name = environment.lowercased().trimmedASCIIWhitespace
        for prefix in ["https://", "api.", "login."] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
        }
        while name.hasSuffix("/") { name.removeLast() }
        guard let region = Self.all.first(where: { $0.environment == name }) else {
            let valid = Self.all.map(\.environment).joined(separator: ", ")
            throw RelayError(.configInvalid, "unknown Genesys Cloud region \"\(environment)\"; valid regions: \(valid)")
        }
        self = region
    }

    /// `https://api.{environment}`
    public var apiBaseURL: String { "https://api.\(environment)" }
    /// `https://login.{environment}`
    public var loginBaseURL: String { "https://login.\(environment)" }

    public var description: String { environment }

    /// Americas (US East), the default region.
    public static let usEast1 = GenesysRegion(uncheckedEnvironment: "mypurecloud.com")

    /// Every region Genesys Cloud publishes, in the order PROTOCOLS.md lists them.
    public static let all: [GenesysRegion] = [
        "mypurecloud.com", "mypurecloud.ie", "mypurecloud.de", "mypurecloud.com.au", "mypurecloud.jp",
        "usw2.pure.cloud", "cac1.pure.cloud", "apne2.pure.cloud", "euw2.pure.cloud", "aps1.pure.cloud",
        "use2.us-gov-pure.cloud", "sae1.pure.cloud", "mec1.pure.cloud", "apne3.pure.cloud", "euc2.pure.cloud",
        "mxc1.pure.cloud", "apse1.pure.cloud",
    ].map(GenesysRegion.init(uncheckedEnvironment:))
}

/// Where ccrelay sends Genesys Cloud requests: the API base (for `/api/v2/...`) and the login base
/// (for `/oauth/token`).
public struct GenesysEndpoints: Sendable, Hashable {
    /// Base URL of the platform API, without a trailing slash.
    public var apiBaseURL: String
    /// Base URL of the login service, without a trailing slash.
    public var loginBaseURL: String

    /// The public endpoints of a region.
    public init(region: GenesysRegion) {
        self.apiBaseURL = region.apiBaseURL
        self.loginBaseURL = region.loginBaseURL
    }

    /// One explicit base URL serving both `/oauth/token` and `/api/v2/...`: how SDKs are pointed at
    /// a gateway, and how the sandbox emulator is reached.
    public init(baseURL: String) {
        var base = baseURL.trimmedASCIIWhitespace
        while base.hasSuffix("/") { base.removeLast() }
        self.apiBaseURL = base
        self.loginBaseURL = base
    }
}

extension String {
    var trimmedASCIIWhitespace: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" || first == "\n" || first == "\r" {
            view.removeFirst()
        }
        while let last = view.last, last == " " || last == "\t" || last == "\n" || last == "\r" { view.removeLast() }
        return String(view)
    }
}
