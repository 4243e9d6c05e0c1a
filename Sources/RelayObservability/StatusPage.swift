import RelayCore

/// The status page at `GET /`: each source and sink with its state, an hour of throughput as
/// small charts, outbox figures, dead letters and the last error per component. Plain HTML with
/// inline style, no external assets, refreshed every ``refreshSecs`` seconds.
enum StatusPage {
    static let refreshSecs = 10

    static func render(_ snapshot: PipelineSnapshot) -> String {
        var body = "<h1>ccrelay</h1>\n"
        body += "<p class=\"muted\">Status at <time>\(HTML.escape(snapshot.takenAt.description))</time>; "
        body +=
            "refreshes every \(refreshSecs) s. <a href=\"/metrics\">/metrics</a> · <a href=\"/readyz\">/readyz</a></p>\n"
        if let storeError = snapshot.storeError {
            body += "<p class=\"error\" id=\"store-error\">State store: \(HTML.escape(storeError))</p>\n"
        }
        body += sourcesTable(snapshot.sources)
        body += sinksTable(snapshot.sinks)
        body += deadLetterSummary(snapshot)
        return HTML.page(title: "ccrelay status", refreshSecs: refreshSecs, body: body)
    }

    private static func sourcesTable(_ sources: [PipelineSnapshot.SourceView]) -> String {
        var html = "<h2>Sources</h2>\n"
        guard !sources.isEmpty else { return html + "<p class=\"muted\">No sources configured.</p>\n" }
        html += "<table id=\"sources\"><tr><th>Source</th><th>State</th><th>Records per minute (last hour)</th>"
        html +=
            "<th>Received</th><th>Accepted</th><th>Duplicates</th><th>Malformed</th><th>Late</th><th>Checkpoint lag</th>"
        html += "<th>Last error</th></tr>\n"
        for source in sources {
            let counters = source.counters
            html += "<tr data-source=\"\(HTML.escape(source.name))\"><td><b>\(HTML.escape(source.name))</b> "
            html += "<span class=\"muted\">\(HTML.escape(source.kind))</span></td>"
            html += "<td>\(HTML.badge(source.state))</td>"
            html += "<td>\(ThroughputChart.svg(source.perMinute, label: "\(source.name) records"))</td>"
            html += number(counters.received) + number(counters.accepted) + number(counters.duplicates)
            html += number(counters.malformed) + "<td class=\"num out-of-order\">\(counters.outOfOrder)</td>"
            html += "<td class=\"num\">\(source.checkpointLag.map(HTML.age) ?? "–")</td>"
            let error = counters.consecutiveFailures > 0 ? counters.lastError : counters.partitionFailureSummary
            html += "<td class=\"error\">\(HTML.escape(error ?? counters.lastError ?? ""))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private static func sinksTable(_ sinks: [PipelineSnapshot.SinkView]) -> String {
        var html = "<h2>Sinks</h2>\n"
        guard !sinks.isEmpty else { return html + "<p class=\"muted\">No sinks configured.</p>\n" }
        html += "<table id=\"sinks\"><tr><th>Sink</th><th>State</th><th>Events per minute (last hour)</th>"
        html += "<th>Delivered</th><th>Outbox depth</th><th>Oldest waiting</th><th>Pending acks</th>"
        html += "<th>Dead-lettered</th><th>Resent</th><th>Concurrency limit</th><th>Last error</th></tr>\n"
        for sink in sinks {
            let counters = sink.counters
            html += "<tr data-sink=\"\(HTML.escape(sink.name))\"><td><b>\(HTML.escape(sink.name))</b></td>"
            html += "<td>\(HTML.badge(sink.state))</td>"
            html += "<td>\(ThroughputChart.svg(sink.perMinute, label: "\(sink.name) events"))</td>"
            html += number(counters.delivered)
            html += "<td class=\"num outbox-depth\">\(sink.outboxDepth.map(String.init) ?? "?")</td>"
            html += "<td class=\"num\">\(sink.oldestAge.map(HTML.age) ?? "–")</td>"
            html += number(counters.pendingAcks) + number(counters.deadLettered) + number(counters.resent)
            html += "<td class=\"num concurrency-limit\">\(counters.concurrencyLimit.map(String.init) ?? "–")</td>"
            let ackFailure =
                counters.acknowledgementsFailing
                ? "acknowledgements failing (\(counters.consecutiveAckPollFailures) polls in a row): "
                    + (counters.lastAckPollError ?? "") : nil
            let error = sink.rejection.map { "credential rejected: \($0)" } ?? ackFailure ?? counters.lastError ?? ""
            html += "<td class=\"error\">\(HTML.escape(error))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private static func deadLetterSummary(_ snapshot: PipelineSnapshot) -> String {
        var html = "<h2>Dead letters</h2>\n"
        let letters = snapshot.deadLetters
        guard !letters.isEmpty else { return html + "<p class=\"muted\" id=\"dead-letters\">None.</p>\n" }
        let more = letters.count >= PipelineSnapshot.deadLetterLimit ? "+" : ""
        html += "<p id=\"dead-letters\"><a href=\"/deadletters\">\(letters.count)\(more) dead letter(s)</a>: "
        let byPlace = Dictionary(grouping: letters) { $0.sink ?? "intake: \($0.origin)" }
        html += byPlace.keys.sorted().map { "\(HTML.escape($0)) \(byPlace[$0]?.count ?? 0)" }.joined(separator: ", ")
        html += ". Replay with <code>ccrelay dlq replay</code>.</p>\n"
        return html
    }

    private static func number(_ value: Int) -> String {
        "<td class=\"num\">\(value)</td>"
    }
}

/// `GET /deadletters` (the newest dead letters) and `GET /deadletters/{id}` (one, with its raw event).
enum DeadLetterPages {
    static func list(_ letters: [DeadLetter]) -> String {
        var body = "<h1>Dead letters</h1>\n<p><a href=\"/\">Status</a></p>\n"
        guard !letters.isEmpty else {
            return HTML.page(title: "ccrelay dead letters", refreshSecs: nil, body: body + "<p>None.</p>")
        }
        body += "<table id=\"dead-letters\"><tr><th>Id</th><th>Sink</th><th>Origin</th><th>Reason</th><th>Attempts</th>"
        body += "<th>Created</th><th>Event id</th></tr>\n"
        for letter in letters {
            body += "<tr><td class=\"num\"><a href=\"/deadletters/\(letter.id)\">\(letter.id)</a></td>"
            body += "<td>\(HTML.escape(letter.sink ?? "–"))</td><td>\(HTML.escape(letter.origin))</td>"
            body += "<td class=\"error\">\(HTML.escape(letter.reason))</td><td class=\"num\">\(letter.attempts)</td>"
            body +=
                "<td>\(HTML.escape(letter.createdAt.iso8601))</td><td>\(HTML.escape(letter.eventID ?? "–"))</td></tr>\n"
        }
        body += "</table>\n"
        if letters.count >= PipelineSnapshot.deadLetterLimit {
            body +=
                "<p class=\"muted\">The newest \(letters.count) are shown; <code>ccrelay dlq list</code> shows all.</p>\n"
        }
        return HTML.page(title: "ccrelay dead letters", refreshSecs: nil, body: body)
    }

    static func detail(_ letter: DeadLetter) -> String {
        var body = "<h1>Dead letter \(letter.id)</h1>\n<p><a href=\"/deadletters\">All dead letters</a></p>\n<table>"
        let rows: [(String, String)] = [
            ("Sink", letter.sink ?? "– (intake: the record never normalized)"), ("Origin", letter.origin),
            ("Event id", letter.eventID ?? "–"), ("Reason", letter.reason), ("Attempts", "\(letter.attempts)"),
            ("Created", letter.createdAt.iso8601), ("Event time", letter.timestamp?.iso8601 ?? "–"),
        ]
        for (name, value) in rows { body += "<tr><th>\(name)</th><td>\(HTML.escape(value))</td></tr>" }
        body +=
            "</table>\n<h2>Raw event</h2>\n<pre id=\"raw\">\(HTML.escape(String(decoding: letter.payload, as: UTF8.self)))</pre>\n"
        return HTML.page(title: "ccrelay dead letter \(letter.id)", refreshSecs: nil, body: body)
    }
}
