import Foundation

/// A figure table as the benchmarks print it, and the JSON written beside it.
struct Table {
    var title: String
    var header: [String]
    var rows: [[String]] = []

    init(_ title: String, _ header: [String]) {
        self.title = title
        self.header = header
    }

    mutating func add(_ cells: [String]) { rows.append(cells) }

    func print() {
        let widths = header.indices.map { column in ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        var lines = ["", "## \(title)", ""]
        for (index, cells) in ([header] + rows).enumerated() {
            lines.append(
                cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                    .joined(separator: "  "))
            if index == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func seconds(_ value: Double) -> String { value.isNaN ? "-" : String(format: "%.3f s", value) }
func milliseconds(_ value: Double) -> String { value.isNaN ? "-" : String(format: "%.1f ms", value * 1_000) }
func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }
func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }

/// Writes a benchmark's figures as JSON into the output folder.
func writeJSON<T: Encodable>(_ value: T, name: String, folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(value).write(to: URL(fileURLWithPath: folder).appendingPathComponent("\(name).json"))
}
