// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// Alerts (issue #14) on two real daemons: Pacemaker's own sample agents, configured with
/// crmsh's `alert` syntax, run by the node that observes each event.
@Suite("alerts on two pacerd processes", .serialized)
struct AlertsIntegrationTests {
    static let samples = "/usr/share/pacemaker/alerts"

    /// The recipient file's lines without the `HH:MM:SS.uuuuuu: ` timestamp the sample prefixes.
    func lines(_ path: String) -> [String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let stamped = line.count > 17 && line.dropFirst(15).hasPrefix(": ")
            return String(stamped ? line.dropFirst(17) : line[...])
        }
    }

    func configure(_ cluster: TwoNodeCluster, through node: String, _ body: String) throws {
        let file = "\(cluster.root)/alerts.crm"
        try "configure\n\(body)\ncommit\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try cluster.pacer(node, ["configure", "-f", file])
        try #require(result.status == 0, "configure failed: \(result.stderr)")
    }

    func script(_ cluster: TwoNodeCluster, _ name: String, _ body: String) throws -> String {
        let path = "\(cluster.root)/bin/\(name)"
        try FileManager.default.createDirectory(atPath: "\(cluster.root)/bin", withIntermediateDirectories: true)
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    /// A folder the agents may write to: they run as hacluster (group haclient), as under Pacemaker.
    func output(_ cluster: TwoNodeCluster) throws -> String {
        let user = try #require(getpwnam("hacluster"), "no hacluster user (scripts/setup-debian.sh installs Pacemaker, which makes it)")
        let group = getgrnam("haclient")?.pointee.gr_gid ?? user.pointee.pw_gid
        let path = "\(cluster.root)/out"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try #require(chown(path, user.pointee.pw_uid, group) == 0, "chown \(path)")
        return path
    }

    func bothMembers(_ cluster: TwoNodeCluster) -> Bool {
        ["alpha", "bravo"].allSatisfy { node in
            let cib = cluster.cib(node)
            return cib.contains("uname=\"alpha\" in_ccm=\"true\"") && cib.contains("uname=\"bravo\" in_ccm=\"true\"")
        }
    }

    @Test("alert_file.sh.sample writes Pacemaker 2.1.5's lines: start, first monitor, monitor failure, stop, start elsewhere, node lost")
    func fileSample() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "\(Self.samples)/alert_file.sh.sample"), "Pacemaker's sample agents are not installed")
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        #expect(cluster.wait { bothMembers(cluster) }, "the pair did not form\n\(cluster.dumpLogs())")
        let log = "\(try output(cluster))/alerts.log"
        try configure(cluster, through: "alpha", """
        property stonith-enabled=false no-quorum-policy=ignore
        rsc_defaults resource-stickiness=INFINITY migration-threshold=1
        primitive d1 ocf:pacer:Dummy op monitor interval=1s
        alert file \(Self.samples)/alert_file.sh.sample to \(log)
        """)
        #expect(cluster.wait { lines(log).count >= 2 }, "no start and monitor alerted\n\(cluster.dumpLogs())")
        guard let first = ["alpha", "bravo"].first(where: { cluster.running(on: $0) == ["d1"] }) else {
            Issue.record("d1 runs nowhere\n\(cluster.dumpLogs())")
            return
        }
        let other = first == "alpha" ? "bravo" : "alpha"
        // (Agents run in parallel, as Pacemaker's do: two events a few ms apart may append in either order.)
        #expect(lines(log).sorted() == ["Resource operation 'monitor (1000)' for 'd1' on '\(first)': ok",
                                        "Resource operation 'start' for 'd1' on '\(first)': ok"])
        // Later successes of the monitor are not alerted.
        usleep(2_500_000)
        #expect(lines(log).count == 2, "\(lines(log))")

        // The Dummy fails: its state file goes.
        try FileManager.default.removeItem(atPath: "\(cluster.root)/\(first)/rsctmp/Dummy-d1.state")
        #expect(cluster.wait { lines(log).count >= 6 }, "no failover alerted: \(lines(log))\n\(cluster.dumpLogs())")
        // The peer dies: the survivor alerts the loss.
        cluster.kill9(other)
        #expect(cluster.wait { lines(log).count >= 7 }, "node loss not alerted: \(lines(log))\n\(cluster.dumpLogs())")
        usleep(500_000)
        let expected = [
            "Resource operation 'start' for 'd1' on '\(first)': ok",
            "Resource operation 'monitor (1000)' for 'd1' on '\(first)': ok",
            "Resource operation 'monitor (1000)' for 'd1' on '\(first)': not running",
            "Resource operation 'stop' for 'd1' on '\(first)': ok",
            "Resource operation 'start' for 'd1' on '\(other)': ok",
            "Resource operation 'monitor (1000)' for 'd1' on '\(other)': ok",
            "Node '\(other)' is now 'lost'",
        ]
        let written = lines(log)
        #expect(written.sorted() == expected.sorted(), "\(written)\n\(cluster.dumpLogs())")
        // What follows from what comes after it: start, failure, stop, start elsewhere, loss.
        let order = [0, 2, 3, 4, 6].map { written.firstIndex(of: expected[$0]) ?? -1 }
        #expect(order == order.sorted() && !order.contains(-1), "\(written)")
        // What Pacemaker 2.1.5 wrote for the same steps (Tests/Fixtures/alerts/pacemaker-lines.sh; d1 started on alpha there).
        let recorded = Tool.sharedFixture("alerts/pacemaker-2.1.5.log")
        let pacemaker = lines(recorded).map { line in
            line.replacingOccurrences(of: "'alpha'", with: "'@first'").replacingOccurrences(of: "'bravo'", with: "'@other'")
                .replacingOccurrences(of: "'@first'", with: "'\(first)'").replacingOccurrences(of: "'@other'", with: "'\(other)'")
        }
        #expect(pacemaker == expected, "Pacemaker's recorded lines: \(pacemaker)")
        // Each line carries Pacemaker's default timestamp-format, %H:%M:%S.%06N.
        let raw = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(raw.allSatisfy { $0.range(of: #"^\d\d:\d\d:\d\d\.\d{6}: "#, options: .regularExpression) != nil }, "\(raw)")
        let status = try cluster.pacer(first, ["status"])
        #expect(status.stdout.contains(" run, 0 failed"), "\(status.stdout)")
        #expect(status.stdout.contains(": node \(other) lost -> ok"), "\(status.stdout)")
        #expect(status.stdout.contains("* file to \(log) ("), "\(status.stdout)")
    }

    @Test("a hanging agent is killed with its group at its timeout; a missing one is logged once a minute; status counts both")
    func hangingAndMissing() throws {
        let cluster = try TwoNodeCluster()
        let pids = "\(try output(cluster))/hang.pids"
        let hang = try script(cluster, "hang.sh", "echo $$ >> \(pids)\nexec sleep 600")
        try cluster.start("alpha")
        try cluster.start("bravo")
        #expect(cluster.wait { bothMembers(cluster) }, "the pair did not form\n\(cluster.dumpLogs())")
        try configure(cluster, through: "bravo", """
        property stonith-enabled=false no-quorum-policy=ignore
        primitive d1 ocf:pacer:Dummy op monitor interval=1s
        primitive d2 ocf:pacer:Dummy op monitor interval=1s
        primitive d3 ocf:pacer:Dummy op monitor interval=1s
        group g d1 d2 d3
        alert hang \(hang) meta timeout=2s
        alert broken \(cluster.root)/no-such-agent to nowhere
        """)
        // Three starts and three first monitors: six hanging agents, six failing ones.
        func started() -> [Int32] {
            ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
        }
        #expect(cluster.wait { started().count >= 6 }, "the hanging agent ran \(started().count) times\n\(cluster.dumpLogs())")
        let launched = Date()
        #expect(started().contains { kill($0, 0) == 0 }, "the hanging agents died before their timeout")
        #expect(cluster.wait(upTo: 8) { started().allSatisfy { kill($0, 0) != 0 } }, "a hanging agent outlived its timeout")
        print("alerts: \(started().count) hanging agents killed within \(String(format: "%.1f", Date().timeIntervalSince(launched))) s of the sixth start")
        guard let owner = ["alpha", "bravo"].first(where: { cluster.running(on: $0) == ["d1", "d2", "d3"] }) else {
            Issue.record("the group runs nowhere\n\(cluster.dumpLogs())")
            return
        }
        #expect(cluster.wait {
            ((try? cluster.pacer(owner, ["status"]).stdout) ?? "").contains("Alerts: 12 run, 12 failed")
        }, "\((try? cluster.pacer(owner, ["status"]).stdout) ?? "")")
        let status = try cluster.pacer(owner, ["status"]).stdout
        #expect(status.contains("* hang to - (6 run, 6 failed), last at "), "\(status)")
        #expect(status.contains("-> timed out after 2000ms (process group killed)"), "\(status)")
        #expect(status.contains("* broken to nowhere (6 run, 6 failed), last at "), "\(status)")
        #expect(status.contains("-> cannot execute \(cluster.root)/no-such-agent: No such file or directory"), "\(status)")
        // Twelve failures in a few seconds: one log line per failing agent.
        let log = (try? String(contentsOfFile: cluster.logPath(owner), encoding: .utf8)) ?? ""
        let failures = log.split(separator: "\n").filter { $0.contains("Alert agent failed") }
        #expect(failures.filter { $0.contains("alert=broken") }.count == 1, "\(failures)")
        #expect(failures.filter { $0.contains("alert=hang") }.count == 1, "\(failures)")
        #expect(failures.count == 2, "\(failures)")
    }

    @Test("alert_smtp.sh.sample and alert_snmp.sh.sample run to completion with their documented variables")
    func smtpAndSnmp() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "\(Self.samples)/alert_snmp.sh.sample"), "Pacemaker's sample agents are not installed")
        let cluster = try TwoNodeCluster()
        let out = try output(cluster)
        let mail = "\(out)/mail.log", traps = "\(out)/traps.log", whoami = "\(out)/whoami"
        // (Each run writes a file of its own, renamed into place: runs overlap.)
        let identity = try script(cluster, "whoami.sh", "{ id -un; id -gn; id -Gn; } > \(whoami).$$ && mv \(whoami).$$ \(whoami)")
        _ = try script(cluster, "sendmail", "echo \"sendmail $*\" >> \(mail)\ncat >> \(mail)")
        _ = try script(cluster, "crm_attribute", "echo it")
        let snmptrap = try script(cluster, "snmptrap", "echo \"$*\" >> \(traps)")
        try cluster.start("alpha")
        try cluster.start("bravo")
        #expect(cluster.wait { bothMembers(cluster) }, "the pair did not form\n\(cluster.dumpLogs())")
        try configure(cluster, through: "alpha", """
        property stonith-enabled=false no-quorum-policy=ignore
        primitive d1 ocf:pacer:Dummy op monitor interval=1s
        alert smtp \(Self.samples)/alert_smtp.sh.sample attributes email_sender=pacer@example.org PATH=\(cluster.root)/bin:/usr/bin:/bin to ops@example.org
        alert snmp \(Self.samples)/alert_snmp.sh.sample attributes trap_binary=\(snmptrap) trap_snmp_persistent_dir=\(out)/snmp to 192.0.2.7
        alert identity \(identity)
        """)
        #expect(cluster.wait { ((try? String(contentsOfFile: traps, encoding: .utf8)) ?? "").contains("Operation s start") },
                "no trap\n\(cluster.dumpLogs())")
        #expect(cluster.wait { ((try? String(contentsOfFile: mail, encoding: .utf8)) ?? "").contains("Subject:") }, "no mail\n\(cluster.dumpLogs())")
        let trap = (try? String(contentsOfFile: traps, encoding: .utf8)) ?? ""
        guard let node = ["alpha", "bravo"].first(where: { cluster.running(on: $0) == ["d1"] }) else {
            Issue.record("d1 runs nowhere")
            return
        }
        #expect(trap.contains("-v 2c -c public 192.0.2.7  PACEMAKER-MIB::pacemakerNotificationTrap PACEMAKER-MIB::pacemakerNotificationNode s \(node) PACEMAKER-MIB::pacemakerNotificationResource s d1 PACEMAKER-MIB::pacemakerNotificationOperation s start PACEMAKER-MIB::pacemakerNotificationDescription s ok PACEMAKER-MIB::pacemakerNotificationStatus i 0 PACEMAKER-MIB::pacemakerNotificationReturnCode i 0 PACEMAKER-MIB::pacemakerNotificationTargetReturnCode i 0"), "\(trap)")
        // A successful monitor is not trapped by default (trap_monitor_success=false).
        #expect(!trap.contains("Operation s monitor"), "\(trap)")
        let sent = (try? String(contentsOfFile: mail, encoding: .utf8)) ?? ""
        #expect(sent.contains("sendmail -t -r pacer@example.org"), "\(sent)")
        #expect(sent.contains("To: ops@example.org\n"), "\(sent)")
        #expect(sent.contains(": Resource operation 'start' for 'd1' on '\(node)': ok"), "\(sent)")
        #expect(sent.contains("CRM_alert_kind=resource"), "\(sent)")
        // Agents run as hacluster, group haclient and no other, as under Pacemaker (not as root).
        #expect(cluster.wait { ((try? String(contentsOfFile: whoami, encoding: .utf8)) ?? "").hasSuffix("\n") })
        #expect((try? String(contentsOfFile: whoami, encoding: .utf8)) == "hacluster\nhaclient\nhaclient\n")
        #expect(cluster.wait {
            let text = (try? cluster.pacer(node, ["status"]).stdout) ?? ""
            return text.contains(" 0 failed") && text.contains("* smtp to ops@example.org (") && text.contains("* snmp to 192.0.2.7 (")
        }, "\((try? cluster.pacer(node, ["status"]).stdout) ?? "")")
    }

    @Test("cib-examples: the haproxy-backends alert reloads HAProxy where it runs when its backend list changed, and only then")
    func haproxyBackendsExample() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/haproxy"), "haproxy is not installed")
        let cluster = try TwoNodeCluster()
        let fm = FileManager.default
        let agent = "\(cluster.root)/ocf/resource.d/heartbeat/haproxy"
        try fm.createDirectory(atPath: "\(cluster.root)/ocf/resource.d/heartbeat", withIntermediateDirectories: true)
        try fm.copyItem(atPath: Tool.packageRoot.appendingPathComponent("agents/heartbeat/haproxy").path, toPath: agent)
        let port = 41_000 + Int(cluster.port % 10_000)   // away from the daemons' ports (20000-40000)
        let cfg = "\(cluster.root)/haproxy.cfg", backends = "\(cluster.root)/backends.cfg"
        try """
        global
          maxconn 64
        defaults
          mode http
          timeout connect 1s
          timeout client 5s
          timeout server 5s
        frontend fe
          bind 127.0.0.1:\(port)
          default_backend be

        """.write(toFile: cfg, atomically: true, encoding: .utf8)
        try "backend be\n  mode http\n  server s1 127.0.0.1:9\n".write(toFile: backends, atomically: true, encoding: .utf8)
        // The agent and pacer run as hacluster: copies where it may read them (a clone may sit in /root).
        try fm.createDirectory(atPath: "\(cluster.root)/bin", withIntermediateDirectories: true)
        let example = "\(cluster.root)/bin/haproxy-backends.sh", pacer = "\(cluster.root)/bin/pacer"
        try fm.copyItem(atPath: Tool.packageRoot.appendingPathComponent("cib-examples/alerts/haproxy-backends.sh").path, toPath: example)
        try fm.copyItem(atPath: Tool.pacer, toPath: pacer)
        try cluster.start("alpha")
        try cluster.start("bravo")
        #expect(cluster.wait { bothMembers(cluster) }, "the pair did not form\n\(cluster.dumpLogs())")
        // As cib-examples/proxy-pair-alerts.crm, with this test's paths; HAProxy on alpha, the DC. The
        // agent runs as hacluster and asks pacerd for the reload (pacer resource reload), which runs
        // it between the resource's monitors: a monitor every second never sees a reload half done.
        let state = "\(try output(cluster))/alert-state"
        try configure(cluster, through: "alpha", """
        property stonith-enabled=false no-quorum-policy=ignore
        rsc_defaults resource-stickiness=INFINITY migration-threshold=1
        primitive haproxyd ocf:heartbeat:haproxy params conffile=\(cfg) extraconf="-f \(backends)" op monitor interval=1s
        location haproxyd-on-alpha haproxyd 100: alpha
        alert haproxy-backends \(example) attributes backends=\(backends) rsc=haproxyd pacer=\(pacer) statedir=\(state) select nodes resources attributes { backends }
        """)
        let pidfile = "\(cluster.root)/alpha/rsctmp/haproxy-haproxyd.pid"
        func pid() -> String { ((try? String(contentsOfFile: pidfile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let mark = "\(state)/haproxy-backends-haproxyd.sum"
        #expect(cluster.wait { !pid().isEmpty && fm.fileExists(atPath: mark) }, "HAProxy did not start, or its start was not alerted\n\(cluster.dumpLogs())")
        let started = pid()
        // A reloaded HAProxy was started by the alert, outside the resource's cgroup: end it whatever happens.
        var seen: Set<Int32> = []
        defer { for p in seen.union([Int32(pid()) ?? 0]) where p > 0 { kill(p, SIGKILL) } }
        seen.insert(Int32(started) ?? 0)

        // The list is unchanged: telling the cluster reloads nothing.
        #expect(try cluster.pacer("alpha", ["node", "attribute", "alpha", "set", "backends", "1", "--lifetime", "reboot"]).status == 0)
        usleep(1_500_000)
        #expect(pid() == started, "HAProxy was reloaded for an unchanged list")

        // A new server in the list, then the attribute: HAProxy is reloaded (a new process).
        try "backend be\n  mode http\n  server s1 127.0.0.1:9\n  server s2 127.0.0.1:10\n".write(toFile: backends, atomically: true, encoding: .utf8)
        #expect(try cluster.pacer("bravo", ["node", "attribute", "bravo", "set", "backends", "2", "--lifetime", "reboot"]).status == 0)
        #expect(cluster.wait(upTo: 15) { !pid().isEmpty && pid() != started }, "no reload after the list changed\n\(cluster.dumpLogs())")
        let reloaded = pid()
        seen.insert(Int32(reloaded) ?? 0)
        // pacer resource reload by hand: where the resource does not run, exit 7 and nothing done.
        let elsewhere = try cluster.pacer("bravo", ["resource", "reload", "haproxyd"])
        #expect(elsewhere.status == 7 && elsewhere.stderr.contains("haproxyd is not running on bravo"), "\(elsewhere.stderr)")
        let unknown = try cluster.pacer("alpha", ["resource", "reload", "nosuch"])
        #expect(unknown.status == 7 && unknown.stderr.contains("no resource 'nosuch' is configured"), "\(unknown.stderr)")
        #expect(pid() == reloaded, "HAProxy was reloaded again\n\(cluster.dumpLogs())")

        // serf's member-leave: the list changes, the peer is lost; the survivor running HAProxy reloads it.
        try "backend be\n  mode http\n  server s1 127.0.0.1:9\n".write(toFile: backends, atomically: true, encoding: .utf8)
        cluster.kill9("bravo")
        #expect(cluster.wait(upTo: 15) { !pid().isEmpty && pid() != reloaded }, "no reload after the node loss\n\(cluster.dumpLogs())")
        let status = try cluster.pacer("alpha", ["status"]).stdout
        #expect(status.contains("haproxy-backends to - (") && status.contains(" 0 failed"), "\(status)")
        let last = Int32(pid()) ?? 0
        let stop = try cluster.pacer("alpha", ["resource", "stop", "haproxyd"])
        #expect(stop.status == 0, "\(stop.stderr)")
        #expect(cluster.wait(upTo: 15) { kill(last, 0) != 0 }, "the reloaded HAProxy outlived its stop\n\(cluster.dumpLogs())")
    }
}
