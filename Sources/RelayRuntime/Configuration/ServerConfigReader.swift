import RelayConfig
import RelayCore

/// Reads the top-level `server:` section: `listen: HOST:PORT` (default `127.0.0.1:8080`).
enum ServerConfigReader {
    static func read(_ node: ConfigNode?) -> ServerSettings {
        guard let node, node.mapping() != nil else { return ServerSettings() }
        node.rejectUnknownKeys(allowed: ["listen"])
        guard let listenNode = node.optional("listen"), let listen = listenNode.stringValue() else {
            return ServerSettings(configured: true)
        }
        do {
            var settings = try ServerSettings(listen: listen)
            settings.configured = true
            return settings
        } catch {
            listenNode.problem("expected HOST:PORT (e.g. \(ServerSettings.defaultListen)), found \"\(listenNode.writtenText)\"")
            return ServerSettings(configured: true)
        }
    }
}
