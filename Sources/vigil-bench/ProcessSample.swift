import Foundation

/// CPU time and memory of one process, read from /proc: the figures `ps` and `top` show.
struct ProcessSample {
    /// User plus system CPU time so far.
    var cpuSeconds: Double
    /// Peak resident set size so far (VmHWM).
    var peakRSSBytes: Int
    var rssBytes: Int
    /// The anonymous (private) part of the RSS now; the rest is file-backed shared library code.
    var anonymousBytes: Int

    static func of(_ pid: pid_t) -> ProcessSample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        func kilobytes(_ key: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1_024
        }
        return ProcessSample(
            cpuSeconds: (user + system) / ticks, peakRSSBytes: kilobytes("VmHWM"), rssBytes: kilobytes("VmRSS"),
            anonymousBytes: kilobytes("RssAnon"))
    }

    /// The CPU used by this process's reaped children so far (getrusage), for the curl baseline.
    static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
