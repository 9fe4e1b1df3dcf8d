import Foundation
import VigilCore

extension UpstreamLayout {
    /// Which backend an upstream file names as active (and as backup), by their addresses; nil
    /// when it names neither, or something else too.
    public static func parse(_ text: String, primary: String, standby: String) -> UpstreamLayout? {
        var active: Backend?
        var backup: Backend?
        for line in text.split(separator: "\n") {
            let words = line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ";", with: " ")
                .split(separator: " ").map(String.init)
            guard words.first == "server", words.count >= 2 else { continue }
            let backend: Backend
            switch words[1] {
            case primary: backend = .primary
            case standby: backend = .standby
            default: return nil
            }
            if words.contains("backup") {
                guard backup == nil else { return nil }
                backup = backend
            } else {
                guard active == nil else { return nil }
                active = backend
            }
        }
        guard let active, backup != active else { return nil }
        return UpstreamLayout(active: active, backup: backup)
    }
}
