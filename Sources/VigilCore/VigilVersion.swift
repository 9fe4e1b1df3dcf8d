/// The version every binary and message reports.
public enum VigilVersion {
    public static let current = "0.1.0"
}
