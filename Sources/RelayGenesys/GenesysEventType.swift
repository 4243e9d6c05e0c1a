import RelayCore

/// Derives ccrelay's `event_type` from a Genesys audit record's `entityType` and `action`.
///
/// The result is `{ENTITY}_{ACTION_PAST}`:
/// * **ENTITY** is `entityType` upper-cased with every non-alphanumeric character removed
///   (`OAuthClient` → `OAUTHCLIENT`, `Wrapup-Code` → `WRAPUPCODE`).
/// * **ACTION_PAST** is the action in the past tense, upper snake case:
///   1. Whole actions with a fixed rendering come from a table (`Login` → `LOGGED_IN`,
///      `ShareAdd` → `SHARE_ADDED`, `Active` → `ACTIVE`, ...).
///   2. Otherwise the action is split into words at CamelCase boundaries, digits and separators
///      (`WrapupCodeAdd` → `Wrapup Code Add`). An action that already reads as a past participle
///      (any word ending in `ed`, as in `AuthenticationFailed`, `ContactsUpdated`) or starts with a
///      present participle (`ImplementingChange`) is only converted to snake case.
///   3. Else one word is put in the past tense: the last word when it is a known verb (Genesys
///      composes noun + verb: `MemberAdd` → `MEMBER_ADDED`), else the first word when it is a known
///      verb (`ChangePassword` → `CHANGED_PASSWORD`), else the last word.
///   4. Known verbs use their table form (`Read` → `READ`, `Send` → `SENT`, `Submit` → `SUBMITTED`);
///      any other word follows the regular rule: `e` → `+D`, consonant + `y` → `IED`, else `+ED`.
/// * A missing or empty part is left out; with neither, the type is `AUDIT`.
public enum GenesysEventType {
    /// The event type for an entity type and action, e.g. (`Queue`, `Create`) → `QUEUE_CREATED`.
    /// An org uses a few hundred pairs at most, so results are remembered (up to 4,096 pairs)
    /// instead of being derived again for every record.
    public static func derive(entityType: String?, action: String?) -> String {
        derived.value(for: Pair(entityType: entityType, action: action)) { pair in
            uncachedDerive(entityType: pair.entityType, action: pair.action)
        }
    }

    private struct Pair: Hashable, Sendable {
        var entityType: String?
        var action: String?
    }

    private static let derived = BoundedMemo<Pair, String>()

    static func uncachedDerive(entityType: String?, action: String?) -> String {
        let entity = entityType.map(entityPart) ?? ""
        let verb = action.map(pastTense) ?? ""
        switch (entity.isEmpty, verb.isEmpty) {
        case (false, false): return entity + "_" + verb
        case (false, true): return entity
        case (true, false): return verb
        case (true, true): return "AUDIT"
        }
    }

    /// `entityType` upper-cased without separators: `OAuthClient` → `OAUTHCLIENT`.
    public static func entityPart(_ entityType: String) -> String {
        var out = ""
        out.reserveCapacity(entityType.utf8.count)
        for scalar in entityType.unicodeScalars where scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
            out.unicodeScalars.append(contentsOf: scalar.properties.uppercaseMapping.unicodeScalars)
        }
        return out
    }

    /// An action in the past tense, upper snake case: `Create` → `CREATED`, `Login` → `LOGGED_IN`.
    public static func pastTense(_ action: String) -> String {
        if let fixed = wholeActions[action] { return fixed }
        var words = splitWords(action)
        guard !words.isEmpty else { return "" }
        let lowered = words.map { $0.lowercased() }
        let alreadyPast = lowered.contains { $0.hasSuffix("ed") && !$0.hasSuffix("eed") }
        let participle = lowered[0].hasSuffix("ing") && lowered[0].count > 4
        if !alreadyPast && !participle {
            let index: Int
            if verbs[lowered[lowered.count - 1]] != nil {
                index = lowered.count - 1
            } else if verbs[lowered[0]] != nil {
                index = 0
            } else {
                index = lowered.count - 1
            }
            words[index] = verbs[lowered[index]] ?? regularPast(lowered[index])
        }
        return words.map { $0.uppercased() }.joined(separator: "_")
    }

    /// Splits `WrapupCodeAdd` into `Wrapup`, `Code`, `Add`; `GetAWSConfig` into `Get`, `AWS`, `Config`.
    static func splitWords(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty { words.append(String(current)) }
            current = String.UnicodeScalarView()
        }
        for (index, scalar) in scalars.enumerated() {
            let properties = scalar.properties
            guard properties.isAlphabetic || ("0"..."9").contains(scalar) else {
                flush()
                continue
            }
            if properties.isUppercase, let previous = current.last {
                let previousIsUpper = previous.properties.isUppercase
                let nextIsLower = index + 1 < scalars.count && scalars[index + 1].properties.isLowercase
                // aB → split; ABc → split before B (end of an acronym).
                if !previousIsUpper || nextIsLower { flush() }
            }
            current.append(scalar)
        }
        flush()
        return words
    }

    /// The regular past tense of a lower-case word, upper-cased.
    static func regularPast(_ word: String) -> String {
        let upper = word.uppercased()
        if word.hasSuffix("e") { return upper + "D" }
        if word.hasSuffix("y"), word.count > 1 {
            let beforeY = word[word.index(word.endIndex, offsetBy: -2)]
            if !"aeiou".contains(beforeY) { return String(upper.dropLast()) + "IED" }
        }
        return upper + "ED"
    }

    /// Actions rendered as a whole, where word-by-word rules would read wrong.
    static let wholeActions: [String: String] = [
        "Login": "LOGGED_IN",
        "Logout": "LOGGED_OUT",
        "SingleLogout": "SINGLE_LOGGED_OUT",
        "SingleLogoutFailed": "SINGLE_LOGOUT_FAILED",
        "ShareAdd": "SHARE_ADDED",
        "ShareRemove": "SHARE_REMOVED",
        "BlockUpgrade": "BLOCKED_UPGRADE",
        "UnblockUpgrade": "UNBLOCKED_UPGRADE",
        "RestoreRequest": "RESTORE_REQUESTED",
        "RestoreComplete": "RESTORE_COMPLETED",
        "UpgradeCleanup": "UPGRADE_CLEANED_UP",
        "Active": "ACTIVE",
        "InReview": "IN_REVIEW",
        "AsgInservice": "ASG_IN_SERVICE",
        "AwsOutofservice": "AWS_OUT_OF_SERVICE",
    ]

    /// Known verbs (lower case) and their past tense. Regular verbs are listed too, so that they are
    /// recognised as the verb of a compound action.
    static let verbs: [String: String] = {
        var table: [String: String] = [
            "read": "READ", "reset": "RESET", "set": "SET", "put": "PUT", "cut": "CUT", "split": "SPLIT",
            "send": "SENT", "get": "GOT", "write": "WRITTEN", "run": "RAN", "begin": "BEGUN", "build": "BUILT",
            "login": "LOGGED_IN", "logout": "LOGGED_OUT", "signin": "SIGNED_IN", "signout": "SIGNED_OUT",
            "checkin": "CHECKED_IN", "checkout": "CHECKED_OUT", "rollback": "ROLLED_BACK",
            "cleanup": "CLEANED_UP", "setup": "SET_UP", "signup": "SIGNED_UP",
            "stop": "STOPPED", "submit": "SUBMITTED", "commit": "COMMITTED", "drop": "DROPPED",
            "plan": "PLANNED", "debug": "DEBUGGED", "cancel": "CANCELLED", "ship": "SHIPPED",
            "omit": "OMITTED", "permit": "PERMITTED", "transmit": "TRANSMITTED", "tag": "TAGGED",
            "pin": "PINNED", "unpin": "UNPINNED", "map": "MAPPED", "wrap": "WRAPPED", "swap": "SWAPPED",
            "forget": "FORGOTTEN", "undo": "UNDONE", "redo": "REDONE", "do": "DONE", "bid": "BID",
            "hide": "HIDDEN", "take": "TAKEN", "give": "GIVEN", "choose": "CHOSEN", "freeze": "FROZEN",
            "unfreeze": "UNFROZEN", "lead": "LED", "lose": "LOST", "find": "FOUND", "hold": "HELD",
            "sell": "SOLD", "buy": "BOUGHT", "pay": "PAID", "bind": "BOUND", "unbind": "UNBOUND",
        ]
        let regular = [
            "view", "create", "update", "delete", "move", "copy", "download", "fax", "convert", "receive",
            "add", "remove", "authenticate", "authorize", "deauthorize", "change", "revoke", "deactivate",
            "publish", "revert", "save", "transcode", "upload", "execute", "abandon", "archive", "export",
            "restore", "apply", "start", "rotate", "reassign", "unarchive", "activate", "assign", "unassign",
            "reschedule", "complete", "unpublish", "purge", "process", "enable", "disable", "recycle",
            "append", "block", "unblock", "open", "close", "approve", "reject", "replace", "cycle", "scale",
            "detach", "attach", "terminate", "recreate", "upgrade", "verify", "reverse", "initiate",
            "calculate", "edit", "clear", "request", "import", "invite", "lock", "unlock", "merge",
            "register", "unregister", "deploy", "install", "uninstall", "approve", "suspend", "resume",
            "pause", "renew", "expire", "refresh", "sync", "validate", "generate", "join", "leave", "mute",
            "unmute", "transfer", "dial", "answer", "park", "unpark", "connect", "disconnect",
        ]
        for verb in regular where table[verb] == nil { table[verb] = regularPast(verb) }
        table["leave"] = "LEFT"
        table["answer"] = "ANSWERED"
        return table
    }()
}
