import Foundation
import VigilCore

/// `/`: the status page, rendered on the server from the status document. Plain HTML and inline
/// CSS, readable on a phone, nothing loaded from elsewhere. A small inline script fetches the page
/// again every few seconds and swaps its content in place (no full-page flash); without
/// scripting, a meta refresh reloads it.
enum StatusPage {
    static let refreshSeconds = 5

    static func render(_ document: StatusDocument) -> String {
        let banner: String =
            switch document.overall {
            case .outage: "Outage: a service is failing over or down"
            case .degraded: "Degraded: serving, but something is down or being repaired"
            case .maintenance: "Maintenance: Vigil watches but does not act"
            case .operational: "All systems operational"
            }
        var body = "<section class=\"banner \(document.overall.rawValue)\" id=\"banner\">\(escape(banner))</section>\n"
        if let cluster = document.cluster {
            body += "<section id=\"cluster\"><h2>Cluster</h2><p>\(escape(cluster.summary))</p></section>\n"
        }
        for service in document.services { body += serviceSection(service) }
        let paused = document.services.filter { $0.pause != nil }
        if !paused.isEmpty {
            body += "<section><h2>Maintenance</h2><ul>"
            for service in paused {
                guard let pause = service.pause else { continue }
                body +=
                    "<li><b>\(escape(service.name))</b> paused by \(escape(pause.by))"
                    + (pause.until.map { " until \(escape(shortTime($0)))" } ?? " until resumed")
                    + (pause.reason.isEmpty ? "" : ": \(escape(pause.reason))") + "</li>"
            }
            body += "</ul></section>\n"
        }
        if !document.maintenance.isEmpty {
            body += "<section id=\"maintenance\"><h2>Planned maintenance</h2><ul>"
            for window in document.maintenance {
                let services = window.services.isEmpty ? "every service" : window.services.joined(separator: ", ")
                body +=
                    "<li>\(window.inForce ? "<b>In force:</b> " : "")\(escape(window.span)), \(escape(services)): "
                    + "\(escape(window.reason)) <small>(\(escape(window.id)))</small></li>"
            }
            body += "</ul><p>No automatic runbook starts in a window; what an operator asks still runs.</p></section>\n"
        }
        let waiting = document.channels.filter { $0.pending > 0 }
        if !waiting.isEmpty {
            body += "<section><h2>Notifications waiting</h2><ul>"
            body += waiting.map { channel in
                "<li><b>\(escape(channel.name))</b>\(channel.failing ? " <b class=\"failed\">NOT DELIVERING</b>" : ""): \(channel.pending) waiting"
                    + (channel.oldestSeconds.map { ", the oldest for \(String(format: "%.0f s", $0))" } ?? "") + "</li>"
            }.joined()
            body += "</ul></section>\n"
        }
        body +=
            "<footer>Vigil \(escape(document.agentVersion)) on \(escape(document.agentHost)) · generated \(escape(shortTime(document.generatedAt)))"
            + " · <a href=\"/status.json\">status.json</a> · <a href=\"/metrics\">metrics</a></footer>\n"
        return page(
            title: "Vigil: \(banner)", head: "<noscript><meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\"></noscript>",
            style: css, main: "<main id=\"status\">\n\(body)</main>\n<script>\(script)</script>")
    }

    /// The HTML around a page's content, shared by the operators' page and the public one.
    static func page(title: String, head: String, style: String, main: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        \(head)
        <style>\(style)</style>
        </head>
        <body>
        \(main)
        </body>
        </html>

        """
    }

    private static func summary(_ view: StatusDocument.ViewStatus) -> String {
        "\(view.agent) sees primary \(view.primary), standby \(view.standby)" + (view.evidence.map { " (\($0))" } ?? "")
    }

    private static func serviceSection(_ service: StatusDocument.ServiceStatus) -> String {
        var html =
            "<section class=\"service\"><h2>\(escape(service.name)) <span class=\"badge \(service.status.rawValue)\">\(service.status.rawValue)</span></h2>\n"
        html += "<p class=\"phase\">\(escape(phaseText(service)))</p>\n"
        if !service.protected {
            html +=
                "<div class=\"fault\" id=\"unprotected-\(escape(service.name))\"><b>Not protected:</b> a failure now would not be failed over.<ul>"
            html += service.unprotectedReasons.map { "<li>\(escape($0))</li>" }.joined()
            html += "</ul></div>\n"
        }
        html += "<p>Traffic goes to: <b class=\"active\">\(escape(service.activeSide ?? "unknown"))</b>"
        html += service.loadBalancers.map { " · \(escape($0.name)): \(escape($0.serves ?? "?"))\($0.backup.map { " (backup \(escape($0)))" } ?? "")" }
            .joined()
        html += "</p>\n"
        if !service.hosts.isEmpty {
            html += "<p>SSH hosts: "
            html += service.hosts.map { host in
                let files = host.files.map { ", files over \(escape($0))" } ?? ""
                switch host.reachable {
                case true?: return "\(escape(host.name)) answers\(files)"
                case false?: return "<b class=\"failed\">\(escape(host.name)) UNREACHABLE</b> (\(escape(host.problem ?? "no answer"))\(files))"
                case nil: return "\(escape(host.name)) not checked yet\(files)"
                }
            }.joined(separator: " · ")
            html += "</p>\n"
        }
        if !service.views.isEmpty {
            html += "<p class=\"views\">Vantage points: " + service.views.map { escape(Self.summary($0)) }.joined(separator: " · ") + "</p>\n"
        }
        for series in service.history {
            let label = "\(service.name) \(series.name)"
            html +=
                "<div class=\"history\"><b>\(escape(series.name == "served" ? "served (what users got)" : series.name))</b>"
                + HistoryPicture.uptimeBar(series, label: label) + HistoryPicture.sparkline(series, label: label) + "</div>\n"
        }
        html += "<table><thead><tr><th>backend</th><th>health</th><th>check</th><th>result</th><th>time</th></tr></thead><tbody>\n"
        for backend in service.backends {
            let checks = backend.checks.isEmpty ? [nil] : backend.checks.map { Optional($0) }
            for (index, check) in checks.enumerated() {
                html += "<tr>"
                if index == 0 {
                    html +=
                        "<td rowspan=\"\(checks.count)\">\(escape(backend.role))</td>"
                        + "<td rowspan=\"\(checks.count)\" class=\"health \(backend.health)\">\(escape(backend.health))</td>"
                }
                if let check {
                    html +=
                        "<td class=\"url\">\(escape(check.url))</td><td class=\"\(check.ok ? "ok" : "failed")\">\(escape(check.result))</td>"
                        + "<td>\(String(format: "%.0f ms", check.seconds * 1_000))</td>"
                } else {
                    html += "<td colspan=\"3\" class=\"quiet\">not checked while idle</td>"
                }
                html += "</tr>\n"
            }
        }
        html += "</tbody></table>\n"
        if let incident = service.incident {
            html += "<h3>Incident \(escape(incident.id)) (open)</h3>\n<p>\(escape(incident.cause))\(requester(incident))</p>\n<ol class=\"timeline\">"
            html += incident.timeline.map { "<li><time>\(escape(shortTime($0.at)))</time> \(escape($0.text))</li>" }.joined()
            html += "</ol>\n"
        }
        if !service.recentIncidents.isEmpty {
            html +=
                "<h3>Recent incidents</h3>\n<table><thead><tr><th>incident</th><th>start</th><th>end</th><th>recovered in</th><th>cause</th></tr></thead><tbody>"
            for incident in service.recentIncidents {
                let recovered = incident.timeToRecoverSeconds.map { String(format: "%.1f s", $0) } ?? "-"
                let objective =
                    incident.objectiveSeconds.map { objective in
                        " (objective \(String(format: "%.0f s", objective))\(incident.metObjective == false ? ", missed" : ", met"))"
                    } ?? ""
                html +=
                    "<tr><td>\(escape(incident.id)) \(escape(incident.kind))</td><td>\(escape(shortTime(incident.openedAt)))</td>"
                    + "<td>\(escape(incident.resolvedAt.map(shortTime) ?? "-"))</td><td>\(escape(recovered + objective))</td>"
                    + "<td>\(escape(incident.cause))\(requester(incident))\(incident.drill.map { "<br>\(escape($0.summary))" } ?? "")</td></tr>"
            }
            html += "</tbody></table>\n"
        }
        return html + "</section>\n"
    }

    /// The phase in words that never contradict the banner: a side the load balancers name but
    /// that is down does not "serve".
    private static func phaseText(_ service: StatusDocument.ServiceStatus) -> String {
        let named = service.activeSide ?? "?"
        let namedIsDown = service.backends.contains { $0.role == named && $0.health == "down" }
        let resting = service.phase == .primaryActive || service.phase == .secondaryActive
        if resting, service.incident?.kind == IncidentKind.outage.rawValue {
            return "Outage: nothing healthy to serve. The load balancers still name the \(named); "
                + "Vigil serves from whichever side passes its checks first."
        }
        if resting, namedIsDown { return "Down: the load balancers name the \(named), which fails its checks." }
        switch service.phase {
        case .primaryActive: return "Served by the primary."
        case .secondaryActive: return "Served by the standby."
        case .failingOver: return "Failing over: \(service.step ?? "")."
        case .failingBack: return "Failing back to the primary: \(service.step ?? "")."
        case .stuck: return "Stuck, an operator is needed: \(service.stuckReason ?? "")."
        case .paused: return "Paused for maintenance."
        case .drilling: return "Drill (a rehearsed failover and back): \(service.step ?? "")."
        }
    }

    private static func requester(_ incident: StatusDocument.IncidentStatus) -> String {
        guard let by = incident.requestedBy else { return "" }
        return " · requested by \(escape(by))" + (incident.gateSkipped ? " · HEALTH GATE SKIPPED" : "")
    }

    /// "2026-11-27 10:04:12 UTC" from an ISO 8601 time.
    static func shortTime(_ iso: String) -> String {
        let trimmed = iso.replacingOccurrences(of: "T", with: " ")
        return String(trimmed.prefix(19)) + " UTC"
    }

    static func escape(_ text: String) -> String { text.escapingHTML }

    static let css = """
        body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d1d1f;background:#f5f5f7}
        main{max-width:60rem;margin:0 auto;padding:1rem}
        .banner{padding:1rem 1.2rem;border-radius:.6rem;color:#fff;font-weight:600;font-size:1.15rem;margin-bottom:1rem}
        .operational{background:#2e7d32}.degraded{background:#b26a00}.outage{background:#c62828}.maintenance{background:#1565c0}
        .service{background:#fff;border-radius:.6rem;padding:.8rem 1rem;margin-bottom:1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        h2{font-size:1.2rem;margin:.2rem 0}h3{font-size:1rem;margin:1rem 0 .3rem}
        .badge{font-size:.8rem;color:#fff;padding:.1rem .5rem;border-radius:1rem;vertical-align:middle}
        table{border-collapse:collapse;width:100%;font-size:.9rem;display:block;overflow-x:auto}
        th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #e5e5ea;vertical-align:top}
        .fault{color:#c62828;font-weight:600}.url{word-break:break-all}.ok,.health.up{color:#2e7d32}.failed,.health.down{color:#c62828}.quiet{color:#86868b}
        .timeline{padding-left:1.2rem;font-size:.9rem}time{color:#86868b;font-variant-numeric:tabular-nums}
        footer{color:#86868b;font-size:.8rem;text-align:center;padding:1rem}
        .history{margin:.5rem 0;font-size:.8rem}.history svg{display:block;margin:.2rem 0}
        @media (max-width:40rem){main{padding:.5rem}table{font-size:.78rem}th,td{padding:.2rem .3rem}.url{min-width:8rem}}
        """

    /// Fetches the page again and swaps the content in place; the banner's colour follows.
    static let script = """
        (function(){
          async function refresh(){
            try{
              const response=await fetch(location.pathname,{cache:'no-store'});
              if(!response.ok)return;
              const page=new DOMParser().parseFromString(await response.text(),'text/html');
              const fresh=page.getElementById('status');
              if(fresh){document.getElementById('status').innerHTML=fresh.innerHTML;document.title=page.title;}
            }catch(e){}
          }
          setInterval(refresh,\(refreshSeconds * 1_000));
        })();
        """
}
