import RelayCore
import RelayOperations
import RelayState
import RelayTesting
import Testing

/// Issue 18, item 7: `ccrelay dlq show` must not hand a payload's control characters to the terminal.
@Suite("Dead letters are printed with control characters escaped")
struct DeadLetterEscapingTests {
    @Test("an ESC sequence in a payload, reason or origin is printed as \\u{1b} text")
    func showEscapesControlCharacters() async throws {
        let scratch = try ScratchDirectory("dlq-escape")
        defer { scratch.remove() }
        let store = try SQLiteStateStore(configuration: SQLiteStateConfiguration(path: scratch.path + "/state.sqlite"))
        defer { try? store.close() }
        let clock = ManualClock()
        // Clears the screen and retitles the terminal: what an attacker would put in a record.
        let payload = "{\"ani\":\"\u{1b}[2J\u{1b}]0;pwned\u{07}\",\"c1\":\"\u{9b}31m\",\"del\":\"\u{7f}\"}"
        let draft = DeadLetterDraft(
            origin: "fire\u{1b}[31mhose", sink: nil, eventID: nil, payload: Array(payload.utf8),
            reason: "records[0]: bad\u{1b}[0m\r\nfake line", attempts: 0)
        _ = try await store.append([], deadLetters: [draft], checkpoint: nil, now: clock.now)
        let operations = DeadLetterOperations(store: store, clock: clock)
        let id = try #require(try await store.deadLetters(limit: 1).first?.id)

        let shown = try await operations.show(id: id)
        let listed = try await operations.list().joined(separator: "\n")
        for text in [shown, listed] {
            #expect(
                !text.unicodeScalars.contains {
                    $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x7F || $0.value == 0x9B
                })
            #expect(!text.unicodeScalars.contains("\r"))
        }
        #expect(shown.contains(#"\u{1b}[2J\u{1b}]0;pwned\u{7}"#))
        #expect(shown.contains(#"\u{9b}31m"#))
        #expect(shown.contains(#"\u{7f}"#))
        #expect(shown.contains(#"fire\u{1b}[31mhose"#))
        #expect(shown.contains(#"bad\u{1b}[0m\u{d}\u{a}fake line"#))
        #expect(listed.contains(#"fire\u{1b}[31mhose"#))
    }
}
