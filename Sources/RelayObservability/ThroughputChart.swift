/// A small bar chart of per-minute counts as inline SVG (server-rendered, no script).
enum ThroughputChart {
    static let width = 180
    static let height = 40

    /// The chart of `counts` (oldest first); the title states the hour's total and the busiest minute.
    static func svg(_ counts: [Int], label: String) -> String {
        let peak = counts.max() ?? 0
        let total = counts.reduce(0, +)
        let slot = Double(width) / Double(max(counts.count, 1))
        var bars = ""
        for (index, count) in counts.enumerated() where count > 0 {
            let barHeight = max(1, Double(height - 2) * Double(count) / Double(max(peak, 1)))
            let x = Double(index) * slot
            bars +=
                "<rect x=\"\(format(x))\" y=\"\(format(Double(height) - barHeight))\" width=\"\(format(max(slot - 1, 1)))\" "
            bars += "height=\"\(format(barHeight))\"><title>\(count)</title></rect>"
        }
        let title = HTML.escape("\(label): \(total) in the last hour, peak \(peak)/min")
        return """
            <svg class="chart" xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" role="img" aria-label="\(title)" data-total="\(total)">\
            <title>\(title)</title>\
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="#f2f4f7"/>\
            <line x1="0" y1="\(height - 1)" x2="\(width)" y2="\(height - 1)" stroke="#c3c9d1"/>\
            <g fill="#3b73c4">\(bars)</g></svg>
            """
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
