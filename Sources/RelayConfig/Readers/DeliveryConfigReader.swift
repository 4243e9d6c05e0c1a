import RelayCore

/// Reads the `batch:` and `retry:` blocks every sink shares.
public enum DeliveryConfigReader {
    /// `concurrency` is `adaptive` or a fixed number of requests in flight (1...1024), which pins
    /// it; left out, the sink's default holds (adaptive for HTTP sinks). `max_concurrency`
    /// (1...1024, default 32) bounds the adaptive limit. A sink that writes in order (a file, standard
    /// output) passes `allowsAdaptive: false`, and `adaptive` is then refused at its path.
    public static func batch(
        _ node: ConfigNode?, default defaults: BatchConfiguration = BatchConfiguration(), allowsAdaptive: Bool = true
    ) -> BatchConfiguration {
        guard let node, node.mapping() != nil else { return defaults }
        node.rejectUnknownKeys(allowed: ["max_events", "max_bytes", "timeout_secs", "concurrency", "max_concurrency"])
        var batch = BatchConfiguration(
            maxEvents: node.int("max_events", default: defaults.maxEvents, range: 1...100_000),
            maxBytes: node.int("max_bytes", default: defaults.maxBytes, range: 1_024...(512 << 20)),
            timeout: node.seconds("timeout_secs", default: defaults.timeout, range: 0...3600),
            concurrency: defaults.isAdaptive ? nil : defaults.concurrency,
            maxConcurrency: node.int("max_concurrency", default: defaults.maxConcurrency, range: 1...1024)
        )
        guard let value = node.optional("concurrency") else { return batch }
        let text = value.stringValue()
        if text == "adaptive", !allowsAdaptive {
            value.problem("this sink writes in order, one batch at a time: concurrency cannot be adaptive")
        } else if text == "adaptive" {
            (batch.isAdaptive, batch.concurrency) = (true, 1)
        } else if let text, Int(text) != nil {
            (batch.isAdaptive, batch.concurrency) = (false, node.int("concurrency", default: 1, range: 1...1024))
        } else {
            value.problem("expected \"adaptive\" or a number of requests in flight, found \"\(value.writtenText)\"")
        }
        return batch
    }

    public static func retry(_ node: ConfigNode?, default defaults: RetryPolicy = RetryPolicy()) -> RetryPolicy {
        guard let node, node.mapping() != nil else { return defaults }
        node.rejectUnknownKeys(allowed: ["max_attempts", "initial_backoff_secs", "max_backoff_secs"])
        let initial = node.seconds("initial_backoff_secs", default: defaults.initialBackoff, range: 0.001...3600)
        let maximum = node.seconds("max_backoff_secs", default: defaults.maxBackoff, range: 0.001...86_400)
        if maximum < initial {
            node.problem(
                "max_backoff_secs must not be smaller than initial_backoff_secs", at: "\(node.path).max_backoff_secs")
        }
        return RetryPolicy(
            maxAttempts: node.int("max_attempts", default: defaults.maxAttempts, range: 1...100),
            initialBackoff: initial,
            maxBackoff: maximum
        )
    }

    /// Checks that `url` is an absolute http(s) URL, without a query string unless
    /// `allowingQuery` (webhook URLs may carry one), reporting at `node`'s path or at `path`.
    public static func checkURL(_ url: String, _ node: ConfigNode?, at path: String? = nil, allowingQuery: Bool = false)
    {
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > 8 else {
            node?.problem("expected an http:// or https:// URL", at: path)
            return
        }
        if !allowingQuery, url.contains("?") { node?.problem("the URL must not contain a query string", at: path) }
    }
}
