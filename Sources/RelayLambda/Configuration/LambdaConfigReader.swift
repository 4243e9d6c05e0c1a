import RelayAWS
import RelayConfig
import RelayCore
import RelayPatterns
import RelaySinks

/// Reads the `lambda:` section (see ``LambdaConfiguration``), reporting problems at their YAML paths.
public enum LambdaConfigReader {
    /// The section `node` (the document's `lambda:`, `nil` when absent); where scheduled extraction
    /// keeps state is settled afterwards by ``settleExtractionState(_:handler:root:)``.
    public static func read(_ node: ConfigNode?) -> LambdaConfiguration {
        var settings = LambdaConfiguration()
        guard let node, node.mapping() != nil else { return settings }
        node.rejectUnknownKeys(allowed: ["handler", "firehose_transform", "scheduled_extraction"])
        if let handlerNode = node.optional("handler"), let text = handlerNode.stringValue() {
            settings.handler = handlerKind(text, handlerNode)
        }
        if let transform = node.optional("firehose_transform"), transform.mapping() != nil {
            settings.firehoseTransformWritten = true
            readTransform(transform, into: &settings)
        }
        if let extraction = node.optional("scheduled_extraction"), extraction.mapping() != nil {
            readExtraction(extraction, into: &settings)
        }
        return settings
    }

    static func handlerKind(_ text: String, _ node: ConfigNode) -> LambdaHandlerKind? {
        guard let kind = LambdaHandlerKind(rawValue: text) else {
            let known = LambdaHandlerKind.allCases.map(\.rawValue).joined(separator: ", ")
            node.problem("unknown handler \"\(node.writtenText)\" (known: \(known))")
            return nil
        }
        return kind
    }

    private static func readTransform(_ node: ConfigNode, into settings: inout LambdaConfiguration) {
        node.rejectUnknownKeys(allowed: [
            "format", "index", "sourcetype", "source", "host", "ddsource", "service", "hostname", "tags", "status",
            "drop_pattern", "keep_raw", "max_response_bytes",
        ])
        let format = node.string("format", default: "splunk")
        let splunkKeys = ["index", "sourcetype", "source", "host"]
        let datadogKeys = ["ddsource", "service", "hostname", "tags", "status"]
        var configuration = FirehoseTransformConfiguration()
        switch format {
        case "splunk":
            configuration.output = .splunk(
                FirehoseTransformConfiguration.splunkEnvelope(
                    index: node.string("index"), sourcetype: node.string("sourcetype", default: "ccas:auditlog"),
                    source: node.string("source"), host: node.string("host")))
            rejectKeys(datadogKeys, of: node, format: format)
        case "datadog":
            configuration.output = .datadog(
                FirehoseTransformConfiguration.datadogShape(
                    ddsource: node.string("ddsource"), service: node.string("service", default: "ccrelay"),
                    hostname: node.string("hostname"), tags: node.stringMap("tags", separatorsForbidden: [",", ":"]),
                    status: node.string("status", default: "info")))
            rejectKeys(splunkKeys, of: node, format: format)
        case "event":
            configuration.output = .event
            rejectKeys(splunkKeys + datadogKeys, of: node, format: format)
        default:
            node.optional("format")?.problem(
                "unknown format \"\(node.optional("format")?.writtenText ?? format)\" (known: splunk, datadog, event)")
        }
        if let patternNode = node.optional("drop_pattern"), let json = patternNode.jsonValue() {
            do {
                configuration.dropPattern = try EventPattern(compiling: json)
            } catch {
                let at = error.path.isEmpty ? patternNode.path : "\(patternNode.path).\(error.path)"
                patternNode.problem("invalid event pattern: \(error.reason)", at: at)
            }
        }
        configuration.maxResponseBytes = node.int("max_response_bytes", default: 6_000_000, range: 1024...6_291_456)
        settings.keepRaw = node.bool("keep_raw", default: false)
        settings.firehoseTransform = configuration
    }

    private static func rejectKeys(_ keys: [String], of node: ConfigNode, format: String) {
        for key in keys where node.optional(key) != nil {
            node.problem("\"\(key)\" does not apply to format \(format)", at: "\(node.path).\(key)")
        }
    }

    private static func readExtraction(_ node: ConfigNode, into settings: inout LambdaConfiguration) {
        node.rejectUnknownKeys(allowed: [
            "safety_margin_secs", "delivery_reserve_secs", "ledger_retention_secs", "state", "s3",
        ])
        var configuration = ScheduledExtractionConfiguration()
        configuration.safetyMargin = node.seconds(
            "safety_margin_secs", default: configuration.safetyMargin, range: 1...600)
        configuration.deliveryReserve = node.seconds(
            "delivery_reserve_secs", default: configuration.deliveryReserve, range: 0...900)
        configuration.ledgerRetention = node.seconds(
            "ledger_retention_secs", default: configuration.ledgerRetention, range: 60...(31 * 86_400))
        settings.scheduledExtraction = configuration
        let state = node.string("state", default: "store")
        if node.optional("state") != nil { settings.extractionState = state }
        switch state {
        case "store":
            if node.optional("s3") != nil { node.problem("\"s3\" needs state: s3", at: "\(node.path).s3") }
        case "s3":
            guard let s3 = node.optional("s3") else {
                node.problem(
                    "missing required key \"s3\" (bucket, prefix, region, ...) for state: s3", at: "\(node.path).s3")
                return
            }
            guard s3.mapping() != nil else { return }
            // The archive sink's reader checks bucket, region, endpoint and credentials the same way.
            for key in ["type", "storage_class", "batch", "retry"] where s3.optional(key) != nil {
                s3.problem(
                    "unknown key \"\(key)\" (known keys: access_key_id, bucket, endpoint, prefix, region, secret_access_key, session_token)",
                    at: "\(s3.path).\(key)")
            }
            guard let sink = S3SinkConfiguration.read(name: "lambda_state", s3) else { return }
            settings.s3State = S3StateConfiguration(
                bucket: sink.bucket,
                prefix: s3.optional("prefix") == nil ? S3StateConfiguration.defaultPrefix : sink.prefix,
                region: sink.region, endpoint: sink.endpoint, credentials: sink.credentials)
        default:
            node.optional("state")?.problem("unknown state \"\(state)\" (known: store, s3)")
        }
    }
}
