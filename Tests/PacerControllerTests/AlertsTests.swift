// SPDX-License-Identifier: GPL-2.0-or-later
import PacerController
import PacerTransition
import PacerModel
import PacerXML
import Testing

/// Which alerts fire for an event and the exact environment each run gets (Pacemaker 2.1.5's
/// `pe_unpack_alerts` and `lrmd_send_*_alert`), with no process run.
@Suite("alerts: selection and environment")
struct AlertsTests {
    /// What crmsh writes for
    /// `alert f /usr/share/pacemaker/alerts/alert_file.sh.sample meta timeout=2s attributes debug_exec_order=false to /tmp/a.log to { /tmp/b.log attributes debug_exec_order=true }`
    /// and `alert g /bin/true select nodes attributes { standby } to r` and `alert h /bin/true`.
    static let cib = """
    <cib><configuration><crm_config/><nodes/><resources/><constraints/><alerts>
      <alert id="f" path="/usr/share/pacemaker/alerts/alert_file.sh.sample">
        <meta_attributes id="f-meta_attributes"><nvpair name="timeout" value="2s" id="f-meta_attributes-timeout"/></meta_attributes>
        <instance_attributes id="f-instance_attributes">
          <nvpair name="debug_exec_order" value="false" id="f-instance_attributes-debug_exec_order"/>
        </instance_attributes>
        <recipient id="f-recipient-1" value="/tmp/a.log"/>
        <recipient id="f-recipient-2" value="/tmp/b.log">
          <instance_attributes id="f-recipient-2-instance_attributes">
            <nvpair name="debug_exec_order" value="true" id="f-recipient-2-instance_attributes-debug_exec_order"/>
          </instance_attributes>
        </recipient>
      </alert>
      <alert id="g" path="/bin/true">
        <select><select_nodes/><select_attributes><attribute name="standby" id="g-0"/></select_attributes></select>
        <recipient id="g-recipient-1" value="r"/>
      </alert>
      <alert id="h" path="/bin/true">
        <meta_attributes id="h-meta_attributes">
          <nvpair name="timestamp-format" value="%Y-%m-%d %H:%M:%S.%3N" id="h-meta_attributes-timestamp-format"/>
          <nvpair name="timeout" value="bogus" id="h-meta_attributes-timeout"/>
        </meta_attributes>
      </alert>
    </alerts></configuration><status/></cib>
    """

    static let time = Alerts.Time(epoch: 1_800_000_000, microseconds: 42_017)   // 2027-01-15 08:00:00.042017 UTC

    func entries() throws -> [Alerts.Entry] { Alerts.entries(in: try XMLParser.parse(Self.cib)) }

    func environment(_ run: Alerts.Run) -> [String: String] {
        var result: [String: String] = [:]
        for line in run.environment {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[String(parts[0])] = String(parts[1])
        }
        return result
    }

    @Test("one entry per recipient, in Pacemaker's prepended order, with meta and attributes merged")
    func unpacking() throws {
        let entries = try entries()
        #expect(entries.map(\.id) == ["h", "g", "f", "f"])
        #expect(entries.map(\.recipient) == [nil, "r", "/tmp/b.log", "/tmp/a.log"])
        #expect(entries.map(\.timeoutMs) == [30_000, 30_000, 2000, 2000])
        #expect(entries[0].timestampFormat == "%Y-%m-%d %H:%M:%S.%3N")
        #expect(entries[2].timestampFormat == "%H:%M:%S.%06N")
        #expect(entries[2].environment.map { "\($0.0)=\($0.1)" } == ["debug_exec_order=true"])
        #expect(entries[3].environment.map { "\($0.0)=\($0.1)" } == ["debug_exec_order=false"])
        #expect(entries[1].kinds == [.node, .attribute])
        #expect(entries[1].selectedAttributes == ["standby"])
        #expect(entries[0].kinds == .default)
    }

    @Test("a start: every recipient of every alert selecting resources, with the documented variables")
    func resourceStart() throws {
        var sequence = 0
        let start = Alerts.ResourceOperation(node: "alpha", resource: "d1", task: "start", intervalMs: 0, targetRC: 0,
                                             status: 0, rc: 0, execMs: 37)
        let runs = Alerts.runs(for: .resource(start), entries: try entries(), version: "2.1.5", time: Self.time,
                               sequence: &sequence, localTime: false)
        #expect(runs.map(\.alertID) == ["h", "f", "f"])
        #expect(runs.map(\.recipient) == ["", "/tmp/b.log", "/tmp/a.log"])
        #expect(sequence == 3)
        let env = environment(runs[2])
        let expected: [String: String] = [
            "CRM_alert_kind": "resource", "CRM_alert_version": "2.1.5", "CRM_alert_node": "alpha", "CRM_alert_rsc": "d1",
            "CRM_alert_task": "start", "CRM_alert_interval": "0", "CRM_alert_target_rc": "0", "CRM_alert_status": "0",
            "CRM_alert_rc": "0", "CRM_alert_exec_time": "37", "CRM_alert_desc": "ok", "CRM_alert_recipient": "/tmp/a.log",
            "CRM_alert_timestamp": "08:00:00.042017", "CRM_alert_timestamp_epoch": "1800000000",
            "CRM_alert_timestamp_usec": "042017", "CRM_alert_node_sequence": "3", "debug_exec_order": "false",
        ]
        for (key, value) in expected {
            #expect(env[key] == value, "\(key)")
            if key.hasPrefix("CRM_alert_") { #expect(env["CRM_notify_" + key.dropFirst(10)] == value, "CRM_notify twin of \(key)") }
        }
        #expect(env.count == expected.count * 2 - 1)   // every CRM_alert_ has its CRM_notify_ twin; the attribute has none
        #expect(environment(runs[0])["CRM_alert_timestamp"] == "2027-01-15 08:00:00.042")
        #expect(runs[0].timeoutMs == 30_000 && runs[1].timeoutMs == 2000)
    }

    @Test("a monitor failure, a timeout and a cancellation describe themselves as Pacemaker does")
    func descriptions() throws {
        var sequence = 10
        let entries = try entries().filter { $0.recipient == "/tmp/a.log" }
        func run(_ op: Alerts.ResourceOperation) -> [String: String] {
            environment(Alerts.runs(for: .resource(op), entries: entries, version: "2.1.5", time: Self.time,
                                    sequence: &sequence, localTime: false)[0])
        }
        let failed = run(.init(node: "alpha", resource: "d1", task: "monitor", intervalMs: 1000, targetRC: 0, status: 0, rc: 7))
        #expect(failed["CRM_alert_desc"] == "not running" && failed["CRM_alert_interval"] == "1000" && failed["CRM_alert_rc"] == "7")
        #expect(failed["CRM_alert_node_sequence"] == "11")
        let timedOut = run(.init(node: "alpha", resource: "d1", task: "monitor", intervalMs: 1000, targetRC: 0, status: 2, rc: 1,
                                 execMs: 0, timeoutMs: 20_000))
        #expect(timedOut["CRM_alert_desc"] == "Timed Out" && timedOut["CRM_alert_exec_time"] == "20000" && timedOut["CRM_alert_status"] == "2")
        let cancelled = run(.init(node: "alpha", resource: "d1", task: "monitor", intervalMs: 1000, targetRC: 0, status: 1, rc: 0))
        #expect(cancelled["CRM_alert_desc"] == "Cancelled")
        let runningProbe = run(.init(node: "alpha", resource: "d1", task: "monitor", intervalMs: 0, targetRC: 7, status: 0, rc: 0))
        #expect(runningProbe["CRM_alert_desc"] == "ok" && runningProbe["CRM_alert_target_rc"] == "7")
        #expect(Alerts.description(status: 7, rc: 5) == "Not installed")
        #expect(Alerts.description(status: 0, rc: 6) == "not configured")
    }

    @Test("a probe with the expected result alerts nobody")
    func quietProbe() throws {
        var sequence = 0
        let probe = Alerts.ResourceOperation(node: "alpha", resource: "d1", task: "monitor", intervalMs: 0, targetRC: 7, status: 0, rc: 7)
        #expect(Alerts.runs(for: .resource(probe), entries: try entries(), version: "2.1.5", time: Self.time, sequence: &sequence).isEmpty)
        #expect(sequence == 0)
    }

    @Test("node events go to alerts selecting nodes (and to those without select); attributes only when selected by name")
    func nodesAndAttributes() throws {
        var sequence = 0
        let lost = Alerts.runs(for: .node(name: "bravo", id: "2", state: "lost"), entries: try entries(), version: "2.1.5",
                               time: Self.time, sequence: &sequence, localTime: false)
        #expect(lost.map(\.alertID) == ["h", "g", "f", "f"])
        let env = environment(lost[1])
        #expect(env["CRM_alert_kind"] == "node" && env["CRM_alert_node"] == "bravo" && env["CRM_alert_desc"] == "lost")
        #expect(env["CRM_alert_nodeid"] == "2" && env["CRM_alert_recipient"] == "r" && env["CRM_alert_rsc"] == nil)
        let standby = Alerts.runs(for: .attribute(node: "alpha", id: "1", name: "standby", value: "on"), entries: try entries(),
                                  version: "2.1.5", time: Self.time, sequence: &sequence)
        #expect(standby.map(\.alertID) == ["g"])
        #expect(environment(standby[0])["CRM_alert_attribute_name"] == "standby")
        #expect(environment(standby[0])["CRM_alert_attribute_value"] == "on")
        let other = Alerts.runs(for: .attribute(node: "alpha", id: "1", name: "fail-count-d1#monitor_1000", value: "1"),
                                entries: try entries(), version: "2.1.5", time: Self.time, sequence: &sequence)
        #expect(other.isEmpty)
        let fencing = Alerts.runs(for: .fencing(target: "bravo", task: "reboot", description: "Operation reboot of bravo: OK", rc: 0),
                                  entries: try entries(), version: "2.1.5", time: Self.time, sequence: &sequence)
        #expect(fencing.map(\.alertID) == ["h", "f", "f"])
        #expect(environment(fencing[0])["CRM_alert_task"] == "reboot" && environment(fencing[0])["CRM_alert_rc"] == "0")
    }

    @Test("timestamps: strftime plus %<width>N, as pcmk__time_format_hr")
    func timestamps() {
        let t = Self.time
        #expect(Alerts.timestamp("%H:%M:%S.%06N", t, localTime: false) == "08:00:00.042017")
        #expect(Alerts.timestamp("%H:%M:%S.%3N", t, localTime: false) == "08:00:00.042")
        #expect(Alerts.timestamp("%s.%9N", t, localTime: false) == "1800000000.042017")
        #expect(Alerts.timestamp("[%N]", t, localTime: false) == "[]")
        #expect(Alerts.timestamp("%%N %Y", t, localTime: false) == "%N 2027")
        #expect(Alerts.timestamp("plain", t, localTime: false) == "plain")
    }

    @Test("attribute changes between two status sections, a removal alerted with an empty value")
    func attributeChanges() throws {
        let before = try XMLParser.parse("""
        <cib><status><node_state uname="alpha"><transient_attributes id="1"><instance_attributes id="status-1">
          <nvpair id="a" name="standby" value="off"/><nvpair id="b" name="gone" value="x"/>
        </instance_attributes></transient_attributes></node_state></status></cib>
        """)
        let after = try XMLParser.parse("""
        <cib><status><node_state uname="alpha"><transient_attributes id="1"><instance_attributes id="status-1">
          <nvpair id="a" name="standby" value="on"/>
        </instance_attributes></transient_attributes></node_state>
        <node_state uname="bravo"><transient_attributes id="2"><instance_attributes id="status-2">
          <nvpair id="c" name="fail-count-d1#monitor_1000" value="1"/>
        </instance_attributes></transient_attributes></node_state></status></cib>
        """)
        let events = Alerts.attributeChanges(from: Alerts.nodeAttributes(in: before), to: Alerts.nodeAttributes(in: after),
                                             nodeIDs: ["alpha": "1", "bravo": "2"])
        #expect(events == [.attribute(node: "alpha", id: "1", name: "gone", value: ""),
                           .attribute(node: "alpha", id: "1", name: "standby", value: "on"),
                           .attribute(node: "bravo", id: "2", name: "fail-count-d1#monitor_1000", value: "1")])
    }

    @Test("an alert's attributes cannot hide the sequence; a CIB without alerts has no entries")
    func edges() throws {
        let cib = try XMLParser.parse("""
        <alerts><alert id="x" path="/bin/true"><instance_attributes id="i">
          <nvpair id="n" name="CRM_alert_node_sequence" value="99"/><nvpair id="m" name="CRM_alert_kind" value="mine"/>
        </instance_attributes></alert><alert id="no-path"/></alerts>
        """)
        let entries = Alerts.entries(in: cib)
        #expect(entries.map(\.id) == ["x"])
        var sequence = 6
        let run = Alerts.runs(for: .node(name: "a", id: "1", state: "member"), entries: entries, version: "v", time: Self.time,
                              sequence: &sequence)[0]
        #expect(environment(run)["CRM_alert_node_sequence"] == "7")
        #expect(environment(run)["CRM_alert_kind"] == "mine")
        #expect(Alerts.entries(in: try XMLParser.parse("<cib><configuration/></cib>")).isEmpty)
    }
}
