import Foundation
import RelayCore
import RelayGenerate
import RelayPatterns
import Testing

@Suite("Generated content: external validators and ccrelay's pattern engine")
struct GenerateToolChecks {
    typealias Support = GenerateTestSupport

    @Test("the CloudFormation template passes cfn-lint (which must be installed)")
    func cfnLint() async throws {
        let root = try Support.write(Support.files(.aws))
        defer { try? FileManager.default.removeItem(at: root) }
        let template = root.appendingPathComponent("aws/ccrelay-push-path.yaml").path
        let result = try await Support.run(["cfn-lint", template])
        #expect(result.status != 127, "cfn-lint is not installed: pip install cfn-lint")
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("cfn-lint rejects a broken template, so the check above can fail")
    func cfnLintCanFail() async throws {
        let root = try Support.write([
            "bad.yaml":
                "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Q:\n    Type: \"AWS::SQS::Queue\"\n    Properties:\n      NoSuchProperty: 1\n"
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try await Support.run(["cfn-lint", root.appendingPathComponent("bad.yaml").path])
        #expect(result.status != 0 && result.status != 127)
    }

    @Test("every Splunk .conf file parses with Splunk's conf parser (addonfactory-splunk-conf-parser-lib)")
    func splunkConfParses() async throws {
        let files = Support.files(.splunk)
        let root = try Support.write(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let confs = files.keys.filter { $0.hasSuffix(".conf") || $0.hasSuffix(".meta") }.sorted()
        #expect(confs.count == 10)
        let script = """
            import sys
            from addonfactory_splunk_conf_parser_lib import TABConfigParser
            for path in sys.argv[1:]:
                parser = TABConfigParser()
                with open(path) as f:
                    parser.read_file(f)
                print(path, len(parser.sections()), ",".join(parser.sections()))
            """
        let result = try await Support.run(
            ["python3", "-c", script] + confs.map { root.appendingPathComponent($0).path })
        #expect(result.status == 0, "\(result.output) (pip install addonfactory-splunk-conf-parser-lib)")
        // Sections as written: the HEC stanza per sink and every alert.
        #expect(result.output.contains("http://ccrelay_primary"))
        #expect(result.output.contains("http://ccrelay_secondary"))
        for alert in AlertCatalog.Alert.allCases { #expect(result.output.contains(alert.title)) }
        for name in ["ccrelay_change", "ccrelay_account_change", "ccrelay_authentication"] {
            #expect(result.output.contains("eventtype=\(name)"), "tags.conf: \(name)")
        }
        #expect(result.output.contains("ccrelay_privileged_clients"))
    }

    @Test("the HEC inputs ship disabled, each with a comment to set a real token (Splunk's conf parser)")
    func hecInputsDisabled() async throws {
        let files = Support.files(.splunk)
        let path = "splunk/ccrelay_content/default/inputs.conf"
        let text = try #require(files[path])
        let stanzas = try await Support.confStanzas(path, of: files)
        let tokens = stanzas.filter { $0.key.hasPrefix("http://") }
        #expect(tokens.keys.sorted() == ["http://ccrelay_primary", "http://ccrelay_secondary"])
        for (name, settings) in tokens {
            #expect(settings["disabled"] == "1", "\(name)")
            #expect(settings["token"] == "00000000-0000-0000-0000-000000000000", "\(name)")
            // The comment right above the stanza tells the operator what to do.
            let lines = text.split(separator: "\n").map(String.init)
            let index = try #require(lines.firstIndex(of: "[\(name)]"))
            #expect(lines[index - 1].hasPrefix("#") && lines[index - 1].contains("disabled = 0"), "\(name)")
            #expect(lines[index - 2].contains("uuidgen"), "\(name)")
        }
    }

    @Test("props, inputs and indexes match the sinks")
    func splunkMatchesSinks() throws {
        let files = Support.files(.splunk)
        let app = "splunk/ccrelay_content/default/"
        let props = try #require(files[app + "props.conf"])
        #expect(props.contains("[ccas:auditlog]") && props.contains("[ccas:events]"))
        #expect(Support.confValues(props, key: "KV_MODE") == ["json", "json"])
        #expect(Support.confValues(props, key: "TZ") == ["UTC", "UTC"])
        let inputs = try #require(files[app + "inputs.conf"])
        #expect(Support.confValues(inputs, key: "index") == ["cc_audit", "cc_events"])
        #expect(Support.confValues(inputs, key: "useACK") == ["1", "0"])
        #expect(Support.confValues(inputs, key: "source") == ["ccrelay"])
        let indexes = try #require(files[app + "indexes.conf"])
        #expect(indexes.contains("[cc_audit]") && indexes.contains("[cc_events]"))
        let macros = try #require(files[app + "macros.conf"])
        #expect(Support.confValues(macros, key: "definition").contains("dedup event_id keepempty=true"))
        #expect(files[app + "data/ui/views/ccrelay_overview.xml"]?.contains("<dashboard version=\"2\"") == true)
    }

    @Test("Datadog JSON has the public API's required keys")
    func datadogShapes() throws {
        let files = Support.files(.datadog)
        func json(_ path: String) throws -> JSONValue { try JSONParser.parse(Array(try #require(files[path]).utf8)) }
        let pipeline = try json("datadog/logs-pipeline.json")
        #expect(pipeline["name"]?.stringValue != nil && pipeline["filter"]?["query"]?.stringValue != nil)
        let processors = try #require(pipeline["processors"]?.arrayValue)
        for processor in processors {
            #expect(processor["type"]?.stringValue != nil && processor["sources"]?.arrayValue?.isEmpty == false)
            if processor["type"]?.stringValue == "attribute-remapper" {
                #expect(processor["target"]?.stringValue != nil)
            }
        }
        // Logs are dated at intake (the sink sends `event_time`): nothing may re-date them.
        #expect(!processors.contains { $0["type"]?.stringValue == "date-remapper" })
        let monitors = files.keys.filter { $0.hasPrefix("datadog/monitors/") }.sorted()
        #expect(monitors.count == 4 + AlertCatalog.EdgeAlert.allCases.count)
        for path in monitors {
            let monitor = try json(path)
            #expect(monitor["type"]?.stringValue == "log alert", "\(path)")
            let query = try #require(monitor["query"]?.stringValue)
            #expect(query.hasPrefix("logs(\"") && query.contains(".rollup(\""), "\(path)")
            #expect(monitor["name"]?.stringValue != nil && monitor["message"]?.stringValue != nil)
            #expect(monitor["options"]?["thresholds"]?["critical"] != nil)
        }
        let dashboard = try json("datadog/dashboard.json")
        #expect(dashboard["title"]?.stringValue != nil)
        #expect(["ordered", "free"].contains(dashboard["layout_type"]?.stringValue ?? ""))
        let widgets = try #require(dashboard["widgets"]?.arrayValue)
        for widget in widgets {
            #expect(widget["definition"]?["type"]?.stringValue != nil)
            #expect(widget["definition"]?["requests"]?.arrayValue?.isEmpty == false)
        }
        let overlay = try #require(widgets.first?["definition"]?["requests"]?.arrayValue?.first)
        let searches = overlay["queries"]?.arrayValue?.compactMap { $0["search"]?["query"]?.stringValue } ?? []
        #expect(searches.count == 2)
        #expect(searches.first?.contains("@attributes.disconnect_type:PEER") == true)
        #expect(searches.last?.contains("@http.status_code:500") == true)
        let downtime = try json("datadog/downtime-business-hours.json")
        #expect(downtime["data"]?["attributes"]?["schedule"]?["recurrences"]?.arrayValue?.count == 1)
    }

    @Test(
        "every event pattern in the CloudFormation template compiles in ccrelay's pattern engine and selects Genesys topics"
    )
    func eventPatterns() async throws {
        let root = try Support.write(Support.files(.aws))
        defer { try? FileManager.default.removeItem(at: root) }
        // Read the patterns back from the YAML file itself, as CloudFormation would.
        let script = """
            import json, sys, yaml
            template = yaml.safe_load(open(sys.argv[1]))
            for name, resource in sorted(template["Resources"].items()):
                if resource["Type"] == "AWS::Events::Rule":
                    print(json.dumps(resource["Properties"]["EventPattern"]))
            """
        let result = try await Support.run([
            "python3", "-c", script, root.appendingPathComponent("aws/ccrelay-push-path.yaml").path,
        ])
        #expect(result.status == 0, "\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        var compiled: [EventPattern] = []
        for line in lines {
            let pattern = try JSONParser.parse(Array(line.utf8))
            compiled.append(try EventPattern(compiling: pattern))
            #expect(pattern["detail-type"]?.arrayValue?.isEmpty == false, "explicit topics, no match-everything")
        }
        func event(source: String, detailType: String) throws -> JSONValue {
            try JSONParser.parse(
                Array(
                    #"{"version":"0","id":"1","detail-type":"\#(detailType)","source":"\#(source)","detail":{}}"#.utf8))
        }
        let genesys = "aws.partner/genesys.com/cloud/bb14bed0/ccrelay"
        let audit = try event(source: genesys, detailType: "v2.audits.entitytype.{id}.entityid.{id}")
        let transcript = try event(source: genesys, detailType: "v2.conversations.{id}.transcription")
        let stranger = try event(
            source: "aws.partner/other.com/x", detailType: "v2.audits.entitytype.{id}.entityid.{id}")
        let unconfigured = try event(source: genesys, detailType: "v2.users.{id}.presence")
        // Sorted by resource name: RelayRule, TranscriptRule.
        #expect(compiled[0].matches(audit) && !compiled[0].matches(transcript))
        #expect(compiled[1].matches(transcript) && !compiled[1].matches(audit))
        for pattern in compiled { #expect(!pattern.matches(stranger) && !pattern.matches(unconfigured)) }
    }

    @Test("the template carries the configured Firehose settings")
    func firehoseSettings() throws {
        var input = Support.input
        input.firehose.retryDurationSecs = 7200
        input.firehose.endpointURL = "https://relay.internal/firehose"
        let template = try #require(GenerateTarget.aws.files(for: input).first?.contents)
        #expect(template.contains("IntervalInSeconds: 60\n"))
        #expect(template.contains("SizeInMBs: 1\n"))
        #expect(template.contains("DurationInSeconds: 7200\n"))
        #expect(template.contains("Default: \"https://relay.internal/firehose\""))
        #expect(template.contains("S3BackupMode: \"FailedDataOnly\""))
        #expect(template.contains("SecretARN:"))
    }
}
