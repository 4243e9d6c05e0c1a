/// Minimal HTML building for the status pages: every piece of text that did not come from this
/// file goes through ``escape(_:)``.
enum HTML {
    /// Escapes text for element content and quoted attribute values (`& < > " '`).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// The page skeleton: inline style, no external assets; `refreshSecs` adds a meta refresh.
    static func page(title: String, refreshSecs: Int?, body: String) -> String {
        let refresh = refreshSecs.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">\n" } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            \(refresh)<title>\(escape(title))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2430;background:#fafbfc}
            h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}
            table{border-collapse:collapse;background:#fff;min-width:60%}
            th,td{border:1px solid #d8dde3;padding:.3em .6em;text-align:left;vertical-align:top}
            th{background:#eef1f4;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
            .state{font-weight:600;padding:.1em .5em;border-radius:.6em;white-space:nowrap}
            .ok{background:#d9f2e0;color:#17622f}.retrying{background:#fff1c9;color:#7a5300}
            .halted{background:#fbd9d6;color:#8c1c12}.idle{background:#e6e9ed;color:#4a5563}
            .error{color:#8c1c12;min-width:12em;max-width:30em;word-break:break-word}.muted{color:#6b7480}
            svg.chart{display:block}pre{background:#fff;border:1px solid #d8dde3;padding:.8em;white-space:pre-wrap;word-break:break-all}
            </style>
            </head>
            <body>
            \(body)
            </body>
            </html>

            """
    }

    /// A state badge.
    static func badge(_ state: ComponentState) -> String {
        let style =
            switch state {
            case .ok: "ok"
            case .retrying: "retrying"
            case .halted: "halted"
            case .idle: "idle"
            }
        return "<span class=\"state \(style)\">\(escape(state.rawValue))</span>"
    }

    /// A duration as whole seconds, minutes or hours.
    static func age(_ duration: Duration) -> String {
        let seconds = Int(duration.seconds.rounded(.down))
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7_200 { return "\(seconds / 60) min" }
        return "\(seconds / 3_600) h"
    }
}
