/// Splits encoded entries into consecutive requests that respect a destination's limits on
/// entries and bytes. Used by the Datadog, Sumo Logic, Sentinel and Elasticsearch sinks, whose batch limits count the
/// envelope the outbox's byte budget does not see.
enum RequestSplitter {
    /// Ranges of `sizes` (encoded entry lengths) so that each range holds at most `maxEntries`
    /// entries and at most `maxBytes` once `overhead` plus `separator` bytes between entries are
    /// added. An entry larger than the budget alone gets a range of its own.
    static func ranges(sizes: [Int], maxEntries: Int, maxBytes: Int, overhead: Int, separator: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var bytes = overhead
        for (index, size) in sizes.enumerated() {
            let count = index - start
            let added = size + (count > 0 ? separator : 0)
            if count > 0, count >= maxEntries || bytes + added > maxBytes {
                ranges.append(start..<index)
                start = index
                bytes = overhead + size
            } else {
                bytes += added
            }
        }
        if start < sizes.count { ranges.append(start..<sizes.count) }
        return ranges
    }
}
