// SPDX-License-Identifier: GPL-2.0-or-later
import PacerMembership
import PacerModel
import PacerMonView
import PacerWire
import Testing

/// The alerts line of the "Pacer:" section: counts, then each alert and recipient's last run.
@Suite("Pacer section: alerts")
struct PacerSectionAlertsTests {
    static let base = DaemonStatus(node: "pm01", peer: "pm02", dc: "pm01", peerState: .member, hasQuorum: true, interval: .seconds(1),
                                   deadtime: .seconds(3), lastTransition: "none yet", links: [], alerts: nil)

    @Test("runs and failures counted, each alert and recipient with its last run; nothing without alerts")
    func alertsListed() throws {
        var extras = Self.base
        extras.alerts = .init(finished: 7, failed: 2, running: 1, recent: [
            "file to /var/log/alerts.log (5 run, 0 failed), last at 10:00:01: d1 start on pm01: ok -> ok",
            "hang to - (2 run, 2 failed), last at 10:00:03: d1 start on pm01: ok -> timed out after 2000ms (process group killed)",
        ])
        let cib = try PacerSectionTests.cib()
        let lines = MonView.text(cib: cib, now: 1_790_000_000, extras: extras).split(separator: "\n").map(String.init)
        let title = try #require(lines.firstIndex(of: "  * Alerts: 7 run, 2 failed, 1 running:"))
        #expect(lines[title + 1] == "    * file to /var/log/alerts.log (5 run, 0 failed), last at 10:00:01: d1 start on pm01: ok -> ok")
        #expect(lines[title + 2].hasPrefix("    * hang to - (2 run, 2 failed)"))
        #expect(extras.alerts?.failed == 2)
        let quiet = MonView.text(cib: cib, now: 1_790_000_000, extras: Self.base)
        #expect(!quiet.contains("Alerts"))
        let json = MonView.json(cib: cib, now: 1_790_000_000, request: "pacer status --output-as=json", extras: extras)
        #expect(json.contains("\"alerts\": {"))
        #expect(json.contains("\"failed\": 2"))
    }
}
