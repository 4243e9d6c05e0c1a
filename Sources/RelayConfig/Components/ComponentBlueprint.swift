import Logging
import RelayCore
import RelayHTTP

/// What components need to be built: shared outbound HTTP, the clock, a logger, the state store.
public struct BuildContext: Sendable {
    public var transport: HTTPTransport
    public var clock: any WallClock
    public var store: any StateStore
    public var logger: Logger
    /// Rate-limit state per platform credential (Genesys client, CXone access key), shared by every
    /// component built with this context.
    public var throttles = CredentialThrottleRegistry()

    public init(transport: HTTPTransport, clock: any WallClock, store: any StateStore, logger: Logger) {
        self.transport = transport
        self.clock = clock
        self.store = store
        self.logger = logger
    }
}

/// A configured source (one `sources.NAME` block), ready to be built.
public protocol SourceBlueprint: Sendable {
    var name: String { get }
    /// Builds the running part; pull sources are scheduled by the runtime, push sources register
    /// HTTP routes on ccrelay's server.
    func makeSource(_ context: BuildContext) throws -> BuiltSource
    /// Asks the platform whether the configured credential works, without extracting (`ccrelay
    /// check`). Default: `.unknown`, saying why this source cannot tell.
    func checkCredential(_ context: BuildContext) async -> CredentialStatus
}

extension SourceBlueprint {
    public func checkCredential(_ context: BuildContext) async -> CredentialStatus {
        do {
            if case .push = try makeSource(context) {
                return .unknown(reason: "push source: the platform sends to ccrelay, there is no outbound credential")
            }
        } catch {
            return .unknown(reason: "cannot be built: \(error)")
        }
        return .unknown(reason: "this source type cannot check its credential without extracting")
    }
}

/// A built source.
public enum BuiltSource: Sendable {
    case pull(any PullSource)
    case push(any HTTPReceiver)
}

/// A configured sink (one `sinks.NAME` block), ready to be built.
public protocol SinkBlueprint: Sendable {
    var name: String { get }
    /// Other sinks this one hands events to (by option key), checked to exist. Default none.
    var referencedSinks: [(key: String, sink: String)] { get }
    func makeSink(_ context: BuildContext) throws -> any Sink
}

extension SinkBlueprint {
    public var referencedSinks: [(key: String, sink: String)] { [] }
}

/// A source type a configuration can name: its `type:` tag and how its block is read. Reading
/// reports every problem at its YAML path (through `node`) and returns `nil` when the block cannot
/// be built.
public protocol SourceComponent: SourceBlueprint {
    /// The `type:` value that selects this component (`genesys_audit`).
    static var typeName: String { get }
    /// Reads and validates one `sources.NAME` block.
    static func read(name: String, _ node: ConfigNode) -> Self?
}

/// A sink type a configuration can name: its `type:` tag and how its block is read (see
/// ``SourceComponent``).
public protocol SinkComponent: SinkBlueprint {
    /// The `type:` value that selects this component (`splunk_hec`).
    static var typeName: String { get }
    /// Reads and validates one `sinks.NAME` block.
    static func read(name: String, _ node: ConfigNode) -> Self?
}

/// The component types a configuration may name, by their `type:` tags.
public struct ComponentRegistry: Sendable {
    /// How one component type's blocks are read.
    public struct Entry<Blueprint>: Sendable {
        /// The `type:` tag.
        public let typeName: String
        let read: @Sendable (_ name: String, _ node: ConfigNode) -> Blueprint?
    }

    public var sources: [Entry<any SourceBlueprint>]
    public var sinks: [Entry<any SinkBlueprint>]

    public init(sources: [Entry<any SourceBlueprint>], sinks: [Entry<any SinkBlueprint>]) {
        self.sources = sources
        self.sinks = sinks
    }

    /// Reads a `sources.NAME` block with the component its `type:` names.
    public func readSource(name: String, _ node: ConfigNode) -> (any SourceBlueprint)? {
        read(name: name, node, from: sources, kind: "source")
    }

    /// Reads a `sinks.NAME` block with the component its `type:` names.
    public func readSink(name: String, _ node: ConfigNode) -> (any SinkBlueprint)? {
        read(name: name, node, from: sinks, kind: "sink")
    }

    private func read<Blueprint>(
        name: String, _ node: ConfigNode, from entries: [Entry<Blueprint>], kind: String
    ) -> Blueprint? {
        guard node.mapping() != nil, let type = node.requiredString("type") else { return nil }
        guard let entry = entries.first(where: { $0.typeName == type }) else {
            let known = entries.map(\.typeName).sorted().joined(separator: ", ")
            node.optional("type")?.problem("unknown \(kind) type \"\(type)\" (known: \(known))")
            return nil
        }
        return entry.read(name, node)
    }
}

extension ComponentRegistry.Entry<any SourceBlueprint> {
    /// The registry line of a source component.
    public static func source<Component: SourceComponent>(_: Component.Type) -> Self {
        Self(typeName: Component.typeName, read: { Component.read(name: $0, $1) })
    }
}

extension ComponentRegistry.Entry<any SinkBlueprint> {
    /// The registry line of a sink component.
    public static func sink<Component: SinkComponent>(_: Component.Type) -> Self {
        Self(typeName: Component.typeName, read: { Component.read(name: $0, $1) })
    }

    /// A second registry line of a sink component, selecting it by another `type:` tag (an alias
    /// under the name another product gives the destination).
    public static func sink<Component: SinkComponent>(_: Component.Type, alias: String) -> Self {
        Self(typeName: alias, read: { Component.read(name: $0, $1) })
    }
}
