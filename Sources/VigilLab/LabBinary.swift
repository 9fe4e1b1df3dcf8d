import Foundation

/// This package's own programs (vigil, vigil-lab), found beside the running binary, which is where
/// `swift build` and `swift test` put them.
public enum LabBinary {
    public static func path(_ name: String) -> String {
        let environmentKey = "VIGIL_" + name.uppercased().replacingOccurrences(of: "-", with: "_") + "_BINARY"
        if let path = ProcessInfo.processInfo.environment[environmentKey] { return path }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(name).path
    }
}
