import Foundation
import VigilCore

/// The public status page: rendered on the server from the public document only, so nothing
/// else can reach it. No script, no form, nothing loaded from elsewhere; every string escaped;
/// a meta refresh keeps it current.
enum PublicStatusPage {
    static let refreshSeconds = 30

    static func render(_ document: PublicStatusDocument) -> String {
        let banner: String =
            switch document.overall {
            case .outage: "Major outage"
            case .degraded: "We are working on an incident"
            case .maintenance: "Planned maintenance in progress"
            case .operational: "All systems operational"
            }
        let title = document.organization.map { "\($0) status" } ?? "Status"
        var body = "<h1>\(escape(title))</h1>\n<section class=\"banner \(document.overall.rawValue)\">\(escape(banner))</section>\n"
        body += "<section class=\"card\"><h2>Services</h2><ul class=\"services\">"
        for service in document.services {
            body +=
                "<li><div class=\"row\"><span>\(escape(service.name))</span> <span class=\"badge \(service.status.rawValue)\">\(words(service.status))</span></div>"
            if let history = service.history {
                body +=
                    "<div class=\"pictures\">\(HistoryPicture.uptimeBar(history, label: service.name))"
                    + "<small>90 days ago · today</small>\(HistoryPicture.sparkline(history, label: service.name))"
                    + "<small>response time, last 24 hours</small></div>"
            }
            body += "</li>"
        }
        body += "</ul></section>\n"
        if !document.maintenance.isEmpty {
            body += "<section class=\"card\" id=\"maintenance\"><h2>Planned maintenance</h2><ul>"
            for window in document.maintenance {
                let services = window.services.isEmpty ? "all services" : window.services.joined(separator: ", ")
                body +=
                    "<li>\(window.inForce ? "<b>In progress:</b> " : "")<b>\(escape(window.span))</b>, \(escape(services)): \(escape(window.text))</li>"
            }
            body += "</ul></section>\n"
        }
        body += "<section class=\"card\" id=\"incidents\"><h2>Incidents</h2>"
        if document.incidents.isEmpty { body += "<p class=\"quiet\">No recent incidents.</p>" }
        for incident in document.incidents {
            let when =
                StatusPage.shortTime(incident.startedAt) + (incident.resolvedAt.map { " – " + StatusPage.shortTime($0) } ?? ", ongoing")
            body +=
                "<article class=\"\(incident.state)\"><h3>\(escape(incident.title)) · \(escape(incident.service))</h3>"
                + "<p><time>\(escape(when))</time></p><p>\(escape(incident.text))</p></article>"
        }
        body +=
            "</section>\n<footer>Updated \(escape(StatusPage.shortTime(document.generatedAt))) · <a href=\"status.json\">status.json</a></footer>\n"
        return StatusPage.page(
            title: "\(title): \(banner)", head: "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">", style: StatusPage.css + css,
            main: "<main>\n\(body)</main>")
    }

    static func words(_ status: OperationalStatus) -> String {
        switch status {
        case .operational: "Operational"
        case .maintenance: "Maintenance"
        case .degraded: "Incident"
        case .outage: "Outage"
        }
    }

    static func escape(_ text: String) -> String { text.escapingHTML }

    static let css = """
        h1{font-size:1.5rem;margin:.5rem 0 1rem}.card{background:#fff;border-radius:.6rem;padding:.8rem 1rem;margin-bottom:1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        .services{list-style:none;padding:0;margin:0}.services li{padding:.4rem 0;border-bottom:1px solid #e5e5ea}.row{display:flex;justify-content:space-between}
        .pictures small{display:flex;justify-content:space-between;color:#86868b;font-size:.7rem}svg{display:block;margin-top:.3rem}
        article{border-left:4px solid #c62828;padding-left:.8rem;margin:.8rem 0}article.resolved{border-color:#2e7d32}
        """
}
