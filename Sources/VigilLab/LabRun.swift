import Foundation

/// The test run a lab belongs to. `scripts/test.sh` sets `VIGIL_LAB_RUN` for `swift test` and,
/// when the tests end, looks for any process that still carries it (in its environment, or as
/// `--lab-run` for what starts through sshd with a clean environment) and fails naming it.
public enum LabRun {
    public static let marker = ProcessInfo.processInfo.environment["VIGIL_LAB_RUN"] ?? "none"
}
