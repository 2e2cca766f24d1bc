// SPDX-License-Identifier: GPL-2.0-or-later
@testable import PacerMonView
import Testing

/// The small formats of crm_mon's output (REFERENCE.md §3).
@Suite("formats")
struct FormatTests {
    @Test("intervals as pcmk__readable_interval() writes them",
          arguments: [(5000, "5s"), (1500, "1.500s"), (60000, "60s"), (90000, "1m30s"), (3_600_000, "60m"),
                      (20003, "20.003s"), (1000, "1000ms"), (332, "332ms"), (0, "0s"), (90_061_000, "1d1h1m1000ms"), (90_062_500, "1d1h1m2.500s")])
    func interval(ms: Int, text: String) {
        #expect(readableInterval(ms) == text)
    }

    @Test("ctime() with a space-padded day")
    func ctime() {
        #expect(MonClock.utc.ctime(1_330_667_185) == "Fri Mar  2 05:46:25 2012")
        #expect(MonClock.utc.ctime(0) == "Thu Jan  1 00:00:00 1970")
        #expect(MonClock(utcOffset: { _ in 3600 }).ctime(0) == "Thu Jan  1 01:00:00 1970")
        #expect(MonClock.utc.isoTime(1_795_446_781) == "2026-11-23 15:13:01Z")
    }

    @Test("operation keys split as parse_op_key() splits them")
    func opKeys() {
        #expect(parseOpKey("haproxyd_monitor_5000")! == ("haproxyd", "monitor", 5000))
        #expect(parseOpKey("group_1-postfix_9_monitor_0")! == ("group_1-postfix_9", "monitor", 0))
        #expect(parseOpKey("rsc_migrate_to_0")! == ("rsc", "migrate_to", 0))
        #expect(parseOpKey("my_rsc_pre_notify_start_0")! == ("my_rsc", "pre_notify_start", 0))
        #expect(parseOpKey("norsc") == nil)
    }

    @Test("fail-count attribute names as generate_fail_regex() matches them")
    func failCountNames() {
        #expect(MonState.matchesFailAttribute("fail-count-rsc#monitor_10000", prefix: "fail-count-", rsc: "rsc", legacy: false))
        #expect(MonState.matchesFailAttribute("fail-count-rsc:1#start_0", prefix: "fail-count-", rsc: "rsc", legacy: false))
        #expect(!MonState.matchesFailAttribute("fail-count-rsc2#start_0", prefix: "fail-count-", rsc: "rsc", legacy: false))
        #expect(!MonState.matchesFailAttribute("fail-count-rsc", prefix: "fail-count-", rsc: "rsc", legacy: false))
        #expect(MonState.matchesFailAttribute("fail-count-rsc", prefix: "fail-count-", rsc: "rsc", legacy: true))
    }
}
