import Logging
import VigilHTTP

/// The dead man's switch: every interval, the ping URL while every service's driver answers and
/// every service is protected, the fail URL while one is not. A wedged driver never answers, so
/// no ping goes out at all, which the outside monitor notices as it does a dead agent.
enum Heartbeat {
    static func run(_ settings: HeartbeatSettings, status: StatusSource, logger: Logger) async {
        var reached: Bool?
        while !Task.isCancelled {
            var unprotected: [String] = []
            for service in status.services where await !service.driver.machine.isProtected { unprotected.append(service.name) }
            let url = unprotected.isEmpty ? settings.url : settings.failURL
            let signal = unprotected.isEmpty ? "alive" : "fail (\(unprotected.joined(separator: ", ")) not protected)"
            // Errors never contain the URL: it carries the monitor's token.
            switch await HTTPEngine.shared.get(url: url.exposed) {
            case .success(let response) where (200..<300).contains(response.status):
                if reached == false { logger.notice("the heartbeat reaches its monitor again") }
                logger.debug("heartbeat sent: \(signal)")
                reached = true
            case .success(let response):
                logger.error("the heartbeat monitor refused the \(signal) signal with HTTP \(response.status)")
                reached = false
            case .failure(let error):
                logger.error("the heartbeat cannot reach its monitor (\(signal) signal): \(error)")
                reached = false
            }
            do {
                try await Task.sleep(for: settings.interval)
            } catch {
                return  // cancelled at shutdown
            }
        }
    }
}
