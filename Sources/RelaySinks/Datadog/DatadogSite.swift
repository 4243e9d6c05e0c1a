/// A Datadog site: the domain that names a region's intake (`http-intake.logs.{site}`).
public struct DatadogSite: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The site's domain, e.g. `datadoghq.eu`.
    public let rawValue: String
    /// A site by its domain (any domain; ``all`` lists the real ones).
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// US1, the default site.
    public static let us1 = DatadogSite(rawValue: "datadoghq.com")
    /// US3.
    public static let us3 = DatadogSite(rawValue: "us3.datadoghq.com")
    /// US5.
    public static let us5 = DatadogSite(rawValue: "us5.datadoghq.com")
    /// EU1.
    public static let eu1 = DatadogSite(rawValue: "datadoghq.eu")
    /// AP1 (Japan).
    public static let ap1 = DatadogSite(rawValue: "ap1.datadoghq.com")
    /// AP2 (Australia).
    public static let ap2 = DatadogSite(rawValue: "ap2.datadoghq.com")
    /// US1-FED (GovCloud).
    public static let gov = DatadogSite(rawValue: "ddog-gov.com")

    /// Every site Datadog runs, in the order its documentation lists them.
    public static let all: [DatadogSite] = [.us1, .us3, .us5, .eu1, .ap1, .ap2, .gov]

    /// Base URL of the site's logs intake, e.g. `https://http-intake.logs.datadoghq.eu`.
    public var intakeBaseURL: String { "https://http-intake.logs.\(rawValue)" }
}
