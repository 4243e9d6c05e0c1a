/// What this binary is: its release version and the git commit it was built from, as
/// `ccrelay --version` prints them and `/metrics` reports them (`ccrelay_build_info`).
public enum BuildInfo {
    /// The release version (semantic versioning; see CHANGELOG.md).
    public static let version = "0.1.0"

    /// The git commit the binary was built from, or `unknown` for a build from an unstamped tree.
    /// Set by `scripts/stamp-commit` before a release build (the Dockerfile and
    /// `scripts/package-lambda` run it); see ``BuildCommit``.
    public static let commit = BuildCommit.value

    /// One line for `--version`: `0.1.0 (commit 0123456789ab)`.
    public static var versionLine: String { "\(version) (commit \(commit))" }
}
