import Foundation
import Testing
import VigilCore
import VigilLab
import VigilNotify

/// Which channel gets which message: the channel's `kinds`/`min_severity`, a service's override
/// on top, and all-clears following the problem they clear.
@Suite struct RoutingTests {
    @Test func everyKindHasASeverityAndEveryAllClearClearsAProblem() {
        for kind in MessageKind.allCases {
            if let opener = kind.clears {
                #expect(opener.clears == nil, "\(kind) clears \(opener), itself a problem")
                #expect(kind.severity == .info, "an all-clear is good news: \(kind)")
            }
        }
        #expect(MessageKind.incidentStarted.severity == .critical && MessageKind.runbookFailed.severity == .critical)
        #expect(MessageKind.hostUnreachable.severity == .error && MessageKind.standbyUnhealthy.severity == .warning)
        #expect(MessageSeverity.allCases.sorted() == [.info, .warning, .error, .critical])
    }

    @Test func aMinimumSeverityLetsThroughWhatIsAtLeastThatAndTheAllClearsOfIt() {
        let pager = MessageFilter(minimumSeverity: .critical)
        #expect(pager.accepts(.incidentStarted) && pager.accepts(.runbookFailed) && pager.accepts(.outageStarted))
        #expect(!pager.accepts(.hostUnreachable) && !pager.accepts(.paused) && !pager.accepts(.drillReport))
        #expect(pager.accepts(.incidentResolved) && pager.accepts(.outageResolved), "the page is resolved too")
        #expect(!pager.accepts(.hostReachable), "an all-clear of what never went there does not either")
        let everything = MessageFilter.everything
        #expect(MessageKind.allCases.allSatisfy(everything.accepts))
    }

    @Test func aListOfKindsLetsThroughThoseAndTheirAllClears() {
        let hosts = MessageFilter(kinds: [.hostUnreachable, .drillReport])
        #expect(hosts.accepts(.hostUnreachable) && hosts.accepts(.hostReachable) && hosts.accepts(.drillReport))
        #expect(!hosts.accepts(.incidentStarted) && !hosts.accepts(.drillStarted))
        let both = MessageFilter(kinds: [.hostUnreachable, .standbyUnhealthy], minimumSeverity: .error)
        #expect(both.accepts(.hostUnreachable) && !both.accepts(.standbyUnhealthy), "both conditions hold")
    }

    @Test func aServiceRouteAndTheChannelFilterBothApply() throws {
        let state = try LabFolder(prefix: "routing")
        defer { state.remove() }
        var pager = NotificationChannel(name: "pager", kind: .webhook, url: Secret("http://127.0.0.1:9/pager"))
        pager.filter = MessageFilter(minimumSeverity: .error)
        let chat = NotificationChannel(name: "chat", kind: .webhook, url: Secret("http://127.0.0.1:9/chat"))
        let notifier = try Notifier(
            stateDirectory: state.path, channels: [pager, chat], agentHost: "lb-1", logger: LogRecorder().logger())
        let routes = [NotifyRoute(channel: "chat", filter: MessageFilter(kinds: [.incidentStarted])), NotifyRoute(channel: "pager")]
        func queued(_ kind: MessageKind) throws -> [Int] {
            try notifier.enqueue(NotificationFixtures.message(kind), routes: routes)
            return [notifier.pendingCount(channel: "chat"), notifier.pendingCount(channel: "pager")]
        }
        #expect(try queued(.incidentStarted) == [1, 1])
        #expect(try queued(.hostUnreachable) == [1, 2], "not in the chat route's kinds")
        #expect(try queued(.paused) == [1, 2], "below the pager channel's minimum, and not a chat kind")
        #expect(try notifier.enqueue(NotificationFixtures.message(.drillStarted), routes: routes) == nil, "nobody gets it")
        #expect(try queued(.incidentResolved) == [2, 3], "an all-clear goes where its problem went")
    }
}
