import Logging

extension Logger {
    /// A logger for tests that passes on only critical messages (or `level` and above), so test
    /// output stays readable while the code under test still logs through a real `Logger`.
    public static func quiet(_ label: String = "ccrelay.tests", level: Logger.Level = .critical) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}
