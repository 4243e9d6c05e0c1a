// scripts/stamp-commit rewrites the value below before a release build; keep this file's shape.
/// The commit ``BuildInfo/commit`` reports.
enum BuildCommit {
    static let value = "unknown"
}
