import Foundation
import Testing
import VigilAgent
import VigilCore

/// `drills:` schedules: the next time each names (UTC), and a mistake named where it is.
@Suite struct DrillScheduleTests {
    private func date(_ iso: String) throws -> Date {
        try Date(iso, strategy: Date.ISO8601FormatStyle())
    }

    private func schedule(_ text: String, monthly: Bool = false) throws -> DrillSchedule {
        try DrillSchedule.parse(text, monthly: monthly, hold: .seconds(300), reason: "drill").get()
    }

    @Test func weeklyNamesTheNextWeekdayAtItsTime() throws {
        let tuesday = try schedule("Tue 03:00")
        // 2026-12-01 is a Tuesday.
        #expect(tuesday.next(after: try date("2026-12-01T02:59:00Z")) == (try date("2026-12-01T03:00:00Z")))
        #expect(tuesday.next(after: try date("2026-12-01T03:00:00Z")) == (try date("2026-12-08T03:00:00Z")), "strictly after")
        #expect(try schedule("sunday 23:30").next(after: try date("2026-12-01T12:00:00Z")) == (try date("2026-12-06T23:30:00Z")))
    }

    @Test func monthlyNamesTheOrdinalWeekdayOfTheMonth() throws {
        let firstTuesday = try schedule("1st Tue 03:00", monthly: true)
        #expect(firstTuesday.next(after: try date("2026-12-01T04:00:00Z")) == (try date("2027-01-05T03:00:00Z")))
        let lastFriday = try schedule("last Fri 22:30", monthly: true)
        #expect(lastFriday.next(after: try date("2026-12-01T00:00:00Z")) == (try date("2026-12-25T22:30:00Z")))
        let thirdMonday = try schedule("3rd Mon 00:00", monthly: true)
        #expect(thirdMonday.next(after: try date("2026-02-01T00:00:00Z")) == (try date("2026-02-16T00:00:00Z")))
    }

    @Test func aScheduleThatCannotBeReadSaysWhatWasExpected() throws {
        for (text, monthly, words) in [
            ("Tue", false, "expected \"Tue 03:00\""), ("Tusday 03:00", false, "is not a weekday"), ("Tue 25:00", false, "is not a time of day"),
            ("5th Tue 03:00", true, "is not 1st, 2nd, 3rd, 4th or last"),
        ] {
            guard case .failure(let problem) = DrillSchedule.parse(text, monthly: monthly, hold: .seconds(60), reason: "r") else {
                Issue.record("\(text) was accepted")
                continue
            }
            #expect(problem.message.contains(words), "\(problem.message)")
        }
    }
}

extension DrillScheduleTests {
    @Test func theConfigReadsDrillsAndNamesAMistakeWhereItIs() throws {
        let drills = """

                drills:
                  - weekly: "Tue 03:00"
                    hold: 2m
                    reason: weekly drill
                  - monthly: "last Fri 22:30"
            """
        let config = try AgentConfig.parse(ConfigTests.minimal + drills, file: "x.yaml", checkFiles: false)
        let schedules = config.services[0].drills
        #expect(schedules.map(\.text) == ["weekly Tue 03:00", "monthly last Fri 22:30"])
        #expect(schedules.map(\.hold) == [.seconds(120), .seconds(300)])
        #expect(schedules.map(\.reason) == ["weekly drill", "scheduled drill"])

        let wrong = ConfigTests.minimal + drills.replacingOccurrences(of: "Tue 03:00", with: "Tue 3pm")
        do {
            _ = try AgentConfig.parse(wrong, file: "/etc/vigil/vigil.yaml", checkFiles: false)
            Issue.record("a wrong time was accepted")
        } catch {
            #expect(
                error.description.hasPrefix("/etc/vigil/vigil.yaml:18:17: services.shop.drills[0].weekly: 3pm is not a time of day"),
                "\(error.description)")
        }
    }
}
