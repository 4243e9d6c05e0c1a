// The EventBridge pattern engine lives here.
