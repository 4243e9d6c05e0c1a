import RelayConfig
import RelayCore
import RelayGenerate
import RelayLambda
import RelayRuntime
import RelaySinks

extension GenerateInput {
    /// What `ccrelay generate` reads from a configuration: the Splunk, Datadog and Sumo sinks'
    /// names (index, sourcetype, source, service, category), the Firehose transformation's Splunk
    /// envelope (its events reach Splunk through Firehose's HEC destination, which needs indexer
    /// acknowledgement on its token), the alert thresholds and the alert
    /// targets the OAuth-secret alert pages (webhook and PagerDuty; Slack does not page). Parts the
    /// configuration does not have keep ``GenerateInput``'s defaults; `base` carries the rest
    /// (topics, backend log names, Firehose settings) from the command line.
    public static func from(_ configuration: RelayConfiguration, base: GenerateInput = GenerateInput()) -> GenerateInput
    {
        var splunk: [SplunkSinkInput] = []
        var datadog: [DatadogSinkInput] = []
        var sumo: [SumoSinkInput] = []
        for sink in configuration.sinks {
            switch sink {
            case let hec as SplunkHECSinkConfiguration:
                splunk.append(
                    SplunkSinkInput(
                        name: hec.name, index: hec.index, sourcetype: hec.sourcetype, source: hec.source, useACK: true))
            case let logs as DatadogLogsSinkConfiguration:
                datadog.append(DatadogSinkInput(name: logs.name, service: logs.service, ddsource: logs.ddsource))
            case let http as SumoLogicSinkConfiguration:
                sumo.append(SumoSinkInput(name: http.name, category: http.category))
            default:
                continue
            }
        }
        if let lambda = configuration.lambda, lambda.setsUpFirehoseTransform,
            case .splunk(let envelope) = lambda.firehoseTransform.output
        {
            splunk.append(
                SplunkSinkInput(
                    name: envelope.name, index: envelope.index, sourcetype: envelope.sourcetype,
                    source: envelope.source, useACK: true, viaFirehose: true))
        }
        var alerts = base.alerts
        var paging = base.pagingTargets
        if let settings = configuration.alerts {
            alerts.lagThresholdSecs = Int(settings.outboxAgeLimit.components.seconds)
            paging = settings.targets.compactMap { target in
                switch target.kind {
                case .webhook: PagingTarget(name: target.name, kind: .webhook)
                case .pagerduty: PagingTarget(name: target.name, kind: .pagerduty)
                case .slack: nil
                }
            }
        }
        return GenerateInput(
            splunk: splunk.isEmpty ? base.splunk : splunk,
            datadog: datadog.isEmpty ? base.datadog : datadog,
            sumo: sumo.isEmpty ? base.sumo : sumo,
            pushTopics: base.pushTopics,
            backend: base.backend,
            alerts: alerts,
            firehose: base.firehose,
            pagingTargets: paging,
            privilegedClients: base.privilegedClients
        )
    }
}
