// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import Testing

/// `IntervalSpec` gives what Pacemaker 2.1.5 gives. The interval values were read from the
/// `operation_key` of the monitor in `crm_simulate -x CIB -G graph.xml` (Pacemaker 2.1.5) for a
/// primitive whose `op monitor interval=` is the spec, the timeouts from `CRM_meta_timeout`;
/// `PacerSchedulerTests` repeats the interval comparison against the installed crm_simulate.
@Suite("interval specs")
struct IntervalSpecTests {
    @Test("crm_parse_interval_spec: units, ISO 8601 and 2.1.5's quirks", arguments: [
        ("2mins", 120_000), ("1h30m", 3_600_000), ("PT30S", 30_000), ("P1DT2H", 7_200_000),
        ("PT1M30S", 90_000), ("PT90M", 5_400_000), ("P1W", 518_400_000), ("P1M", 2_592_000_000),
        ("P1D", 0), ("P1Y", 0), ("P2Y", 4_294_967_295), ("1.5s", 1000), ("10", 10_000),
        ("2 minutes", 120_000), ("2MIN", 120_000), ("2Mins", 120_000), (" 15s ", 15_000), ("1ms5", 1),
        ("500us", 0), ("3xs", 0), ("pt30s", 0), ("", 0), ("P", 0), ("PT1.5S", 0), ("PT30S/P1D", 30_000),
        ("10s", 10_000), ("500ms", 500), ("1h", 3_600_000), ("20", 20_000), ("0", 0),
    ])
    func intervals(spec: String, expected: Int) {
        #expect(IntervalSpec.intervalMilliseconds(spec) == expected, "\(spec)")
    }

    @Test("crm_get_msec: seconds by default, units by their first letters, nil where Pacemaker says -1", arguments: [
        ("2s", 2000), ("15", 15_000), ("500ms", 500), ("2min", 120_000), ("2mins", 120_000), ("1h", 3_600_000),
        ("1 hr", 3_600_000), ("13 min", 780_000), ("1000US", 1), ("1000usec", 1), ("100 MSEC", 100),
        ("1.5s", 1000), ("3.14.159ms", 3), (" 100 sasdf ", 100_000), ("90", 90_000),
    ])
    func milliseconds(text: String, expected: Int) {
        #expect(IntervalSpec.milliseconds(text) == expected, "\(text)")
    }

    @Test("crm_get_msec refuses what is not a number with a unit", arguments: ["soon", "3 weeks", "PT30S", "", "  ", "-5s", ".", "100xs", "bad"])
    func invalidMilliseconds(text: String) {
        #expect(IntervalSpec.milliseconds(text) == nil, "\(text)")
    }

    @Test("an interval of nil is 0, a huge one is capped at UInt32.max")
    func edges() {
        #expect(IntervalSpec.intervalMilliseconds(nil) == 0)
        #expect(IntervalSpec.intervalMilliseconds("99999999999999999999999h") == Int(UInt32.max))
        #expect(IntervalSpec.milliseconds("99999999999999999999999h") == Int.max)
        #expect(IntervalSpec.iso8601Seconds("P1DT2H") == 7200)
        #expect(IntervalSpec.iso8601Seconds("P5Y") == 86_400 * (365 * 3 + 366))
        #expect(IntervalSpec.iso8601Seconds("PT-5S") == -5)
        #expect(IntervalSpec.intervalMilliseconds("PT-5S") == 0)
    }
}
