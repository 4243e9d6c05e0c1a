import RelayCore

/// Routes use compiled EventBridge patterns as their matchers.
extension EventPattern: EventMatcher {}
