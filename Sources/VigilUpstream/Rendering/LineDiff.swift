/// Line diffs of small text files (upstream files are a few dozen lines), for the dry run's
/// preview and the drift check. A longest-common-subsequence table is plenty at that size.
public enum LineDiff {
    enum Operation: Equatable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// The first line (counting from 1) where the texts differ; nil when they are equal.
    public static func firstDifference(_ old: String, _ new: String) -> Int? {
        guard old != new else { return nil }
        let (a, b) = (lines(old), lines(new))
        let common = zip(a, b).prefix { $0 == $1 }.count
        return common + 1
    }

    /// A unified diff with three lines of context; "no change" when the texts are equal.
    public static func unified(_ old: String, _ new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let operations = diff(lines(old), lines(new))
        guard operations.contains(where: { if case .same = $0 { false } else { true } }) else { return "  (no change to \(oldName))" }
        var output = ["--- \(oldName)", "+++ \(newName)"]
        // Hunks: runs of changes with their context, merged when their context would overlap.
        let changed = operations.indices.filter { if case .same = operations[$0] { false } else { true } }
        var hunks: [ClosedRange<Int>] = []
        for index in changed {
            let range = max(0, index - context)...min(operations.count - 1, index + context)
            if let last = hunks.last, range.lowerBound <= last.upperBound + 1 {
                hunks[hunks.count - 1] = last.lowerBound...range.upperBound
            } else {
                hunks.append(range)
            }
        }
        for hunk in hunks {
            let before = operations[..<hunk.lowerBound]
            let oldStart = before.filter { if case .added = $0 { false } else { true } }.count + 1
            let newStart = before.filter { if case .removed = $0 { false } else { true } }.count + 1
            let body = operations[hunk]
            let oldCount = body.filter { if case .added = $0 { false } else { true } }.count
            let newCount = body.filter { if case .removed = $0 { false } else { true } }.count
            output.append("@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@")
            for operation in body {
                switch operation {
                case .same(let line): output.append(" \(line)")
                case .removed(let line): output.append("-\(line)")
                case .added(let line): output.append("+\(line)")
                }
            }
        }
        return output.joined(separator: "\n")
    }

    static func diff(_ a: [String], _ b: [String]) -> [Operation] {
        // lengths[i][j]: the longest common subsequence of a[i...] and b[j...].
        var lengths = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var operations: [Operation] = []
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                operations.append(.same(a[i]))
                i += 1
                j += 1
            } else if i < a.count, j == b.count || lengths[i + 1][j] >= lengths[i][j + 1] {
                operations.append(.removed(a[i]))  // removals first, as diff -u shows them
                i += 1
            } else {
                operations.append(.added(b[j]))
                j += 1
            }
        }
        return operations
    }

    private static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
