import Foundation
import Testing
import VigilCore

@Suite struct DurationTextTests {
    @Test func durationsParseAsOperatorsWriteThem() {
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("2s") == .seconds(2))
        #expect(DurationText.parse("1.5s") == .milliseconds(1_500))
        #expect(DurationText.parse("5m") == .seconds(300))
        #expect(DurationText.parse("2h") == .seconds(7_200))
        #expect(DurationText.parse("0s") == .zero)
    }

    @Test func roughlyIsHowPeopleSayIt() {
        #expect(DurationText.roughly(.milliseconds(59_900)) == "59s")
        #expect(DurationText.roughly(.milliseconds(1_802_100)) == "30m")
        #expect(DurationText.roughly(.seconds(3_600)) == "1h")
        #expect(DurationText.roughly(.seconds(7_500)) == "2h5m")
        #expect(DurationText.roughly(.seconds(-5)) == "0s")
    }

    @Test func malformedDurationsAreRejected() {
        for text in ["", "s", "2", "ms", "-1s", "1..5s", "2 s", "2sec", "1e3ms", "nan s"] {
            #expect(DurationText.parse(text) == nil, "\(text)")
        }
    }

    /// Found by probing: values too large for Duration trapped (SIGILL) in the config loader and
    /// in `vigil pause --for`.
    @Test func durationsBeyondThirtyDaysAreRejectedNotTrapped() {
        for text in ["99999999999999999999999h", "9223372036854775807ms", "721h", "43201m", "1e308s", "١٢s"] {
            #expect(DurationText.parse(text) == nil, "\(text)")
        }
        #expect(DurationText.parse("720h") == DurationText.maximum)
        #expect(DurationText.milliseconds(1e300) == nil && DurationText.milliseconds(-1) == nil && DurationText.milliseconds(.nan) == nil)
        #expect(DurationText.milliseconds(1_500) == .milliseconds(1_500))
    }

    @Test func formattingPicksTheLargestExactUnit() {
        #expect(DurationText.format(.milliseconds(250)) == "250ms")
        #expect(DurationText.format(.seconds(2)) == "2s")
        #expect(DurationText.format(.seconds(300)) == "5m")
        #expect(DurationText.format(.seconds(7_200)) == "2h")
        #expect(DurationText.format(.zero) == "0s")
    }

    @Test func probeOutcomesSurviveARoundTripThroughJSON() throws {
        let outcomes: [ProbeOutcome] = [
            .healthy(ProbeTimings(nameLookup: .microseconds(10), connect: .microseconds(50), firstByte: .milliseconds(2), total: .milliseconds(3))),
            .failed(.timeout(.firstByte)), .failed(.status(503)), .failed(.tooSlow(total: .seconds(2), ceiling: .seconds(1))),
            .failed(.other(code: 56, message: "Recv failure")),
        ]
        let data = try JSONEncoder().encode(outcomes)
        #expect(try JSONDecoder().decode([ProbeOutcome].self, from: data) == outcomes)
    }
}
