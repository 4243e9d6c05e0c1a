import RelayConfig
import RelayCore
import RelayRuntime

extension RelayError.Code {
    /// An operator command named something that does not exist (a dead letter id).
    public static let notFound = RelayError.Code(rawValue: "operation.not_found")
    /// An operator command's arguments do not fit together or do not parse.
    public static let invalidArgument = RelayError.Code(rawValue: "operation.invalid_argument")
}

/// What `ccrelay dlq replay` did.
public struct DeadLetterReplayReport: Sendable, Equatable {
    /// Dead letters moved back into their sink's outbox.
    public var replayed: Int
    /// Intake dead letters (records that never normalized) that were asked for or in scope and stay.
    public var notReplayable: Int
    /// One line for the operator.
    public var summary: String
}

/// The logic behind `ccrelay dlq list|show|replay|purge`, on any ``DeadLetterStore``.
public struct DeadLetterOperations: Sendable {
    /// Reasons in `list` are cut to this many characters.
    public static let reasonWidth = 60
    /// Most dead letters read for `replay --all` bookkeeping and `list`.
    public static let scanLimit = 1_000_000

    public let store: any DeadLetterStore
    public let clock: any WallClock

    /// Operations on `store`; `clock` stamps replayed rows' enqueue time (default the system clock).
    public init(store: any DeadLetterStore, clock: any WallClock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    /// A table of dead letters, newest first: id, origin, sink, event_id, attempts, created, reason
    /// (one line, truncated). `sink` keeps only that sink's.
    public func list(limit: Int = 100, sink: String? = nil) async throws -> [String] {
        var letters = try await store.deadLetters(limit: sink == nil ? limit : Self.scanLimit)
        if let sink { letters = Array(letters.filter { $0.sink == sink }.prefix(limit)) }
        guard !letters.isEmpty else { return [sink.map { "no dead letters for sink \($0)" } ?? "no dead letters"] }
        let header = ["ID", "ORIGIN", "SINK", "EVENT_ID", "ATTEMPTS", "CREATED", "REASON"]
        let rows = letters.map { letter in
            [
                String(letter.id), Self.escapingControlCharacters(letter.origin), letter.sink ?? "-",
                Self.escapingControlCharacters(letter.eventID ?? "-"), String(letter.attempts),
                letter.createdAt.iso8601, Self.oneLine(letter.reason, limit: Self.reasonWidth),
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, text in
                column == row.count - 1 ? text : text + String(repeating: " ", count: widths[column] - text.count)
            }.joined(separator: "  ")
        }
    }

    /// One dead letter in full, its payload as text. Control characters in any field (C0 including
    /// newline and tab, DEL, C1) are printed as `\u{1b}`-style escapes, so a payload cannot drive the
    /// operator's terminal.
    public func show(id: Int64) async throws -> String {
        guard let letter = try await store.deadLetter(id: id) else {
            throw RelayError(.notFound, "no dead letter with id \(id)")
        }
        let sink = letter.sink ?? "- (intake: the record never normalized; not replayable)"
        var lines = [
            "id:         \(letter.id)",
            "origin:     \(letter.origin)",
            "sink:       \(sink)",
            "event_id:   \(letter.eventID ?? "-")",
            "attempts:   \(letter.attempts)",
            "created:    \(letter.createdAt.iso8601)",
        ]
        if let timestamp = letter.timestamp { lines.append("timestamp:  \(timestamp.iso8601)") }
        if let platform = letter.platform { lines.append("platform:   \(platform.rawValue)") }
        lines.append("reason:     \(letter.reason)")
        lines = lines.map(Self.escapingControlCharacters)
        lines.append("payload (\(letter.payload.count) bytes, control characters escaped):")
        lines.append(Self.escapingControlCharacters(String(decoding: letter.payload, as: UTF8.self)))
        return lines.joined(separator: "\n")
    }

    /// Puts dead letters back into the outbox of the sink they left: the one with `id`, or every
    /// one (of `sink` when given) with `all`. Intake dead letters cannot be replayed: they never
    /// normalized, so there is no event to deliver.
    public func replay(sink: String?, id: Int64?, all: Bool) async throws -> DeadLetterReplayReport {
        switch (id, all) {
        case (nil, false): throw RelayError(.invalidArgument, "say which dead letters to replay: --id ID or --all")
        case (.some, true): throw RelayError(.invalidArgument, "--id and --all exclude each other")
        case (let id?, false): return try await replayOne(id, sink: sink)
        case (nil, true): return try await replayAll(sink: sink)
        }
    }

    private func replayOne(_ id: Int64, sink: String?) async throws -> DeadLetterReplayReport {
        guard let letter = try await store.deadLetter(id: id) else {
            throw RelayError(.notFound, "no dead letter with id \(id)")
        }
        guard let letterSink = letter.sink else {
            let summary =
                "dead letter \(id) came from source \(letter.origin) and never normalized: it cannot be replayed "
                + "(nothing to deliver; `ccrelay dlq show \(id)` prints its raw text)"
            return DeadLetterReplayReport(replayed: 0, notReplayable: 1, summary: summary)
        }
        if let sink, sink != letterSink {
            throw RelayError(.invalidArgument, "dead letter \(id) belongs to sink \(letterSink), not \(sink)")
        }
        let replayed = try await store.replayDeadLetters(ids: [id], sink: nil, now: clock.now)
        return DeadLetterReplayReport(
            replayed: replayed, notReplayable: 0,
            summary: "replayed \(replayed) dead letter(s) into the outbox of sink \(letterSink)")
    }

    private func replayAll(sink: String?) async throws -> DeadLetterReplayReport {
        let letters = try await store.deadLetters(limit: Self.scanLimit)
        let inScope = letters.filter { sink == nil || $0.sink == sink }
        let intake = sink == nil ? inScope.filter { $0.sink == nil }.count : 0
        let replayed = try await store.replayDeadLetters(ids: nil, sink: sink, now: clock.now)
        var perSink: [String: Int] = [:]
        for letter in inScope { if let name = letter.sink { perSink[name, default: 0] += 1 } }
        let sinks = perSink.keys.sorted().map { "\($0) (\(perSink[$0] ?? 0))" }.joined(separator: ", ")
        var summary =
            replayed == 0
            ? "nothing to replay\(sink.map { " for sink \($0)" } ?? "")"
            : "replayed \(replayed) dead letter(s) into the outbox of \(sinks.isEmpty ? "their sinks" : "sink(s) \(sinks)")"
        if intake > 0 {
            summary += "; \(intake) intake dead letter(s) stay: they never normalized, so they cannot be replayed"
        }
        return DeadLetterReplayReport(replayed: replayed, notReplayable: intake, summary: summary)
    }

    /// Deletes dead letters created before `before` (ISO 8601, see ``parseDate(_:)``); returns how many.
    public func purge(before: String) async throws -> Int {
        try await store.purgeDeadLetters(createdBefore: Self.parseDate(before))
    }

    /// Parses a purge cutoff strictly: a date `YYYY-MM-DD` (midnight UTC) or a date-time with its
    /// offset (`2026-01-31T12:00:00Z`, `2026-01-31T12:00:00.250+01:00`).
    public static func parseDate(_ text: String) throws(RelayError) -> WallInstant {
        let bytes = Array(text.utf8)
        let isDateOnly = bytes.count == 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
        do {
            return WallInstant(try Timestamp.parseISO8601(isDateOnly ? text + "T00:00:00Z" : text))
        } catch {
            throw RelayError(
                .invalidArgument,
                "\"\(text)\" is not an ISO 8601 date (YYYY-MM-DD) or date-time with offset (YYYY-MM-DDTHH:MM:SSZ): \(error.reason)"
            )
        }
    }

    private static func oneLine(_ text: String, limit: Int) -> String {
        let flat = escapingControlCharacters(String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 }))
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }

    /// `text` with every control character (U+0000–U+001F, U+007F, U+0080–U+009F) written as
    /// `\u{1b}`; everything else unchanged.
    public static func escapingControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
