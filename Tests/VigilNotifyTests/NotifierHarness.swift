import Foundation
import Testing
import VigilLab
import VigilNotify

/// What a delivery test needs around a notifier: a state folder, a log recorder at trace level,
/// and at the end a check that the test's canary secret is in no log line.
struct NotifierHarness {
    let canary: String
    let recorder = LogRecorder()
    let state: LabFolder

    init(canary: String) throws {
        self.canary = canary
        state = try LabFolder(prefix: "notifier")
    }

    func notifier(_ channels: [NotificationChannel], policy: DeliveryPolicy = .fast) throws -> Notifier {
        try Notifier(stateDirectory: state.path, channels: channels, policy: policy, agentHost: "lb-1", logger: recorder.logger())
    }

    /// Stops the notifier, checks the logs for the canary, removes the state folder.
    func finish(_ notifier: Notifier) async {
        await notifier.stop()
        let leaks = recorder.all.filter { $0.contains(canary) }
        #expect(leaks.isEmpty, "the canary leaked into the logs: \(leaks.prefix(3))")
        state.remove()
    }

    func logged(_ text: String) -> Bool { recorder.all.contains { $0.contains(text) } }
}
