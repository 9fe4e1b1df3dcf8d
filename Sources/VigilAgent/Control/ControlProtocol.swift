/// The control socket's wire format: one JSON request line in, JSON reply lines out, each
/// carrying this version. A CLI and a daemon of different versions refuse each other's lines
/// plainly instead of misreading them.
public enum ControlProtocol {
    /// 1 had untyped commands and "done"/"failed" texts as its last line; 2 is typed.
    public static let version = 2

    /// A line from a peer that speaks another version (nil: one from before versions).
    public struct Mismatch: Error, Equatable, CustomStringConvertible {
        public var theirs: Int?

        public var description: String {
            "the peer speaks control protocol \(theirs.map { "version \($0)" } ?? "version 1 (unversioned)"), "
                + "this vigil speaks version \(ControlProtocol.version): use the vigil binary that came with the running daemon, "
                + "or restart the daemon after an upgrade (systemctl restart vigil)"
        }
    }
}
