import Hummingbird
import RelayCore

/// A push source: it receives events over HTTP on ccrelay's server (Firehose HTTP-endpoint
/// delivery, EventBridge API destinations) and answers only after they are durable through the
/// intake it is given.
public protocol HTTPReceiver: Sendable {
    /// The configured source name (unique in a config).
    var name: String { get }

    /// Adds this receiver's routes to ccrelay's HTTP server, writing what it receives to `intake`.
    func addRoutes(to router: Hummingbird.Router<BasicRequestContext>, intake: any SourceSender)
}
