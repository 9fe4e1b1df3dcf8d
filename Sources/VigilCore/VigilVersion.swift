/// The version every binary and message reports.
public enum VigilVersion {
    /// This build's version.
    public static let current = "0.1.0"
}
