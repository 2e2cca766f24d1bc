// SPDX-License-Identifier: GPL-2.0-or-later
import PacerCrmSyntax
import Testing

/// Which operation intervals `configure` takes: what Pacemaker reads as an interval
/// (`IntervalSpec`), without white space (crmsh then makes an operation id it refuses).
/// crmsh 4.4.0 on a CIB_file (`crm configure primitive tst ocf:heartbeat:Dummy op monitor
/// interval=X`) writes every one of these but the two with white space.
@Suite("crm syntax: operation intervals")
struct IntervalValidationTests {
    static func accepts(_ interval: String) -> Bool {
        (try? CrmParser.parse(["primitive", "p", "Dummy", "op", "monitor", "interval=\(interval)"])) != nil
    }

    @Test("Pacemaker's units by their first letters, case-insensitively, and ISO 8601 durations",
          arguments: ["10s", "10", "500ms", "10sec", "10msec", "10us", "10hr", "1.5s", "2mins", "10S", "1h30m", "1m30s", "10m30",
                      "PT30S", "P1DT2H", "PT"])
    func accepted(interval: String) {
        #expect(Self.accepts(interval), "'\(interval)'")
    }

    @Test("what Pacemaker would read as 0, and white space, are refused",
          arguments: ["", "abc", "10x", "P", "Pfoo", "P1X", "10 s", " 10s", "10s "])
    func refused(interval: String) {
        #expect(!Self.accepts(interval), "'\(interval)'")
    }
}
