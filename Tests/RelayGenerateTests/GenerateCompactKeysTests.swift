import Foundation
import RelayCore
import RelayGenerate
import RelayGenesys
import RelaySandbox
import Testing

/// The generated Splunk app against the compact encoding's short keys (what a Splunk HEC sink
/// writes by default): read with Splunk's conf parser, its aliases must give every field of a
/// compact event its full name, so both encodings search alike in one index.
@Suite("Generated Splunk content and the compact encoding's short keys")
struct GenerateCompactKeysTests {
    typealias Support = GenerateTestSupport

    static let props = GenerateCIMTests.app + "props.conf"

    /// `(original, alias)` of the `FIELDALIAS-ccrelay_compact_keys` setting, as Splunk's conf parser
    /// reads it; every pair must be `X ASNEW Y` (never `AS`, which would blank a full-encoding field).
    static func aliases(_ value: String) -> [(original: String, alias: String)] {
        let words = value.split(separator: " ").map(String.init)
        #expect(words.count % 3 == 0, "\(value)")
        return stride(from: 0, to: words.count - 2, by: 3).compactMap { index in
            #expect(words[index + 1] == "ASNEW", "\(words[index]) \(words[index + 1]) \(words[index + 2])")
            return (words[index], words[index + 2])
        }
    }

    /// A JSON event as Splunk's JSON extraction names its fields: dotted paths, `{}` for arrays.
    static func searchFields(_ value: JSONValue, path: String = "", into fields: inout [String: [JSONValue]]) {
        switch value {
        case .object(let object):
            for member in object {
                searchFields(member.value, path: path.isEmpty ? member.key : path + "." + member.key, into: &fields)
            }
        case .array(let elements):
            for element in elements { searchFields(element, path: path + "{}", into: &fields) }
        default:
            fields[path, default: []].append(value)
        }
    }

    /// Normalized events of every generated kind, with a REST-style audit's dotted attributes.
    static func events() throws -> [Event] {
        var generator = GenesysEventBridgeGenerator(seed: 5)
        let load = generator.generate(count: 1_500, start: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000))
        let normalizer = GenesysEventBridgeNormalizer()
        var events = try load.map { try normalizer.normalize($0.event) }
        var audit = events.first { $0.sourceKind == "audit" }!
        audit.attributes.append(key: "entity.name", value: "Support EN")
        audit.attributes.append(key: "status", value: "FAILURE")
        audit.attributes.append(key: "remoteIp", value: ["203.0.113.7"])
        events.append(audit)
        return events
    }

    @Test("every sourcetype aliases every short key to its full name with ASNEW (Splunk's conf parser)")
    func everyShortKeyIsAliased() async throws {
        let stanzas = try await Support.confStanzas(Self.props, of: Support.files(.splunk))
        #expect(stanzas.count == 2)
        let expected = Set(
            CompactKeys.commonFields.map { "\($0.key)>\($0.name)" }
                + CompactKeys.attributes.map { "attributes.\($0.key)>attributes.\($0.name)" })
        for (sourcetype, settings) in stanzas {
            let value = try #require(settings["FIELDALIAS-ccrelay_compact_keys"], "\(sourcetype)")
            #expect(Set(Self.aliases(value).map { "\($0.original)>\($0.alias)" }) == expected, "\(sourcetype)")
        }
    }

    @Test("through the generated aliases, a compact event with short keys has every field of the full names")
    func compactEventsSearchLikeFullOnes() async throws {
        let stanzas = try await Support.confStanzas(Self.props, of: Support.files(.splunk))
        let aliases = Self.aliases(try #require(stanzas["ccas:auditlog"]?["FIELDALIAS-ccrelay_compact_keys"]))
        var renamed = 0
        for event in try Self.events() {
            let payload = event.encoded()
            var full: [String: [JSONValue]] = [:]
            Self.searchFields(try JSONParser.parse(CompactEvent.compact(payload, keys: .full)), into: &full)
            var short: [String: [JSONValue]] = [:]
            Self.searchFields(try JSONParser.parse(CompactEvent.compact(payload, keys: .short)), into: &short)
            renamed += full.keys.filter { short[$0] == nil }.count
            // ASNEW: an alias is set only where the event has no field of that name.
            for pair in aliases where short[pair.alias] == nil {
                if let values = short[pair.original] { short[pair.alias] = values }
            }
            for (name, values) in full {
                #expect(short[name] == values, "\(event.eventType): \(name)")
            }
            // And an event in the full encoding keeps its own values (nothing to alias from).
            var fullEncoding: [String: [JSONValue]] = [:]
            Self.searchFields(try JSONParser.parse(payload), into: &fullEncoding)
            #expect(aliases.allSatisfy { fullEncoding[$0.original] == nil })
        }
        #expect(renamed > 10_000)
    }

    @Test("TIME_PREFIX finds the event time in both encodings")
    func timePrefix() async throws {
        let stanzas = try await Support.confStanzas(Self.props, of: Support.files(.splunk))
        let prefix = try #require(stanzas["ccas:events"]?["TIME_PREFIX"])
        let regex = try NSRegularExpression(pattern: prefix)
        let event = try #require(try Self.events().first)
        for keys in [CompactEvent.KeyNames.full, .short] {
            let text = String(decoding: CompactEvent.compact(event.encoded(), keys: keys), as: UTF8.self)
            let match = try #require(regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)))
            let after = text[Range(match.range, in: text)!.upperBound...]
            #expect(after.hasPrefix(event.timestamp.iso8601), "\(keys)")
        }
    }

    @Test("the README lists every field with its compact key")
    func readmeFieldList() throws {
        let readme = try #require(Support.files(.splunk)["splunk/README.md"])
        #expect(readme.contains("## Field names and the compact encoding"))
        for pair in CompactKeys.commonFields {
            #expect(readme.contains("| `\(pair.name)` | `\(pair.key)` |"), "\(pair.name)")
        }
        for pair in CompactKeys.attributes {
            #expect(readme.contains("| `attributes.\(pair.name)` | `attributes.\(pair.key)` |"), "\(pair.name)")
        }
    }
}
