import Logging
import RelayCore
import RelayHTTP

extension CredentialThrottleRegistry {
    /// The throttle of the Genesys OAuth client `clientID` at `endpoints` (`clientID@apiBaseURL`).
    public func throttle(endpoints: GenesysEndpoints, clientID: String, clock: any WallClock, logger: Logger)
        -> CredentialThrottle
    {
        throttle(credential: "\(clientID)@\(endpoints.apiBaseURL)", clock: clock, logger: logger)
    }
}
