// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerModel
import PacerScheduler
import PacerTestKit
import PacerXML
import Testing

/// Intervals as crm_simulate reads them: a primitive whose `op monitor interval=` is the spec
/// gets a recurring monitor whose key (`r_monitor_<ms>`) shows the milliseconds Pacemaker
/// made of it; ours must make the same, in the transition and in `IntervalSpec`.
@Suite("differential: interval specs vs crm_simulate")
struct IntervalDifferentialTests {
    static let specs = ["2mins", "1h30m", "PT30S", "P1DT2H", "PT1M30S", "P1W", "1.5s", "10", "2 minutes", " 15s ",
                        "2MIN", "1ms5", "500ms"]

    static func cib(interval: String) -> String {
        """
        <cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1">
          <configuration>
            <crm_config><cluster_property_set id="cib-bootstrap-options">
              <nvpair id="o1" name="stonith-enabled" value="false"/><nvpair id="o2" name="no-quorum-policy" value="ignore"/>
            </cluster_property_set></crm_config>
            <nodes><node id="1" uname="n1"/></nodes>
            <resources><primitive id="r" class="ocf" provider="pacemaker" type="Dummy">
              <operations><op id="r-mon" name="monitor" interval="\(interval)"/></operations>
            </primitive></resources>
            <constraints/>
          </configuration>
          <status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"/></status>
        </cib>
        """
    }

    @Test("the recurring monitor's interval equals crm_simulate's", arguments: specs)
    func monitorInterval(spec: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pacer-interval-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = Self.cib(interval: spec)
        try text.write(toFile: "\(directory)/cib.xml", atomically: true, encoding: .utf8)
        let reference = try Tool.run(["crm_simulate", "-x", "\(directory)/cib.xml", "-G", "\(directory)/graph.xml"])
        #expect(reference.status == 0, "crm_simulate failed: \(reference.stderr)")
        let graph = try String(contentsOfFile: "\(directory)/graph.xml", encoding: .utf8)
        let theirs = Set(graph.matches(of: /operation_key="r_monitor_([1-9][0-9]*)"/).map { Int($0.output.1)! })
        let transition = Scheduler.schedule(SchedulerInput(cib: try XMLParser.parse(text), now: 0))
        let ours = Set(transition.actions.filter { $0.task == "monitor" && $0.intervalMs > 0 }.map(\.intervalMs))
        #expect(ours == theirs, "interval=\"\(spec)\": ours \(ours.sorted()), crm_simulate \(theirs.sorted())")
        let parsed = IntervalSpec.intervalMilliseconds(spec)
        #expect(parsed == 0 ? theirs.isEmpty : theirs == [parsed], "IntervalSpec gives \(parsed) for \"\(spec)\"")
    }
}
