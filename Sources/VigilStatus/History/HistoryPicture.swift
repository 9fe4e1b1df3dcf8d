import Foundation

/// The pictures, as inline SVG drawn on the server (no script, no library): an uptime bar of 90
/// days, a cell a day coloured by availability with the figure in its title, and a sparkline of
/// the last 24 hours' check latency (the 95th percentile of each 10 minutes) with the minutes that
/// had failures marked in red below it.
enum HistoryPicture {
    static let barWidth = 450
    static let sparkWidth = 432
    static let sparkHeight = 40

    static func uptimeBar(_ series: HistorySeries, label: String) -> String {
        let count = series.dayChecks.count
        let cell = Double(barWidth) / Double(count)
        let firstDay = series.firstDay
        var svg =
            "<svg class=\"uptime\" viewBox=\"0 0 \(barWidth) 24\" width=\"100%\" role=\"img\" aria-label=\"\(escape(label)): availability of the last \(count) days\">"
        for index in 0..<count {
            let date = day(firstDay + index)
            let availability = series.availability(day: index)
            let title =
                availability.map {
                    String(format: "%@: %.2f%% available (%d of %d checks failed)", date, $0, series.dayFailures[index], series.dayChecks[index])
                } ?? "\(date): no data"
            svg += String(
                format: "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"24\" rx=\"1\" fill=\"%@\"><title>%@</title></rect>",
                Double(index) * cell, cell * 0.8, color(availability), escape(title))
        }
        return svg + "</svg>"
    }

    static func color(_ availability: Double?) -> String {
        guard let availability else { return "#d2d2d7" }
        if availability >= 99.9 { return "#2e7d32" }
        if availability >= 99 { return "#7cb342" }
        if availability >= 95 { return "#f9a825" }
        return "#c62828"
    }

    static func sparkline(_ series: HistorySeries, label: String) -> String {
        let latencies: [Double?] = series.spanChecks.indices.map { series.spanChecks[$0] > 0 ? series.spanP95Ms[$0] : nil }
        let ceiling = max(1, latencies.compactMap { $0 }.max() ?? 1)
        let step = Double(sparkWidth) / Double(max(1, latencies.count - 1))
        let plot = Double(sparkHeight - 8)
        var svg =
            "<svg class=\"spark\" viewBox=\"0 0 \(sparkWidth) \(sparkHeight)\" width=\"100%\" role=\"img\" "
            + "aria-label=\"\(escape(label)): check latency of the last 24 hours, up to \(Int(ceiling.rounded())) ms\">"
        // One polyline per run of spans with checks: a gap where nothing was checked.
        var run: [String] = []
        func flush() {
            if run.count > 1 { svg += "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"\(run.joined(separator: " "))\"/>" }
            run = []
        }
        for (index, latency) in latencies.enumerated() {
            guard let latency else {
                flush()
                continue
            }
            run.append(String(format: "%.1f,%.1f", Double(index) * step, plot - latency / ceiling * (plot - 2) + 1))
        }
        flush()
        let firstMinute = series.firstMinute
        for (index, count) in series.spanFailures.enumerated() where count > 0 {
            let at = StatusDocument.time(Date(timeIntervalSince1970: Double(firstMinute + index * series.spanMinutes) * 60))
            let title = "\(StatusPage.shortTime(at)): \(count) failed check\(count == 1 ? "" : "s") in \(series.spanMinutes) minutes"
            svg += String(
                format: "<rect class=\"failed\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"6\" fill=\"#c62828\"><title>%@</title></rect>",
                max(0, Double(index) * step - step / 2), sparkHeight - 6, max(step, 2), escape(title))
        }
        return svg + "</svg>"
    }

    static func day(_ number: Int) -> String { String(StatusDocument.time(Date(timeIntervalSince1970: Double(number) * 86_400)).prefix(10)) }

    static func escape(_ text: String) -> String { text.escapingHTML }
}
