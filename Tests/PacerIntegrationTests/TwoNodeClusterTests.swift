// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerTestKit
import Testing

/// Two real daemons on loopback with Dummy agents (issue: pacerd).
@Suite("two pacerd processes on loopback", .serialized)
struct TwoNodeClusterTests {
    static let group: Set<String> = ["ckVIP", "vIP_10", "haproxyd"]

    /// Start call-ids of the group's members on `node`, from the CIB (the order they ran in).
    func startOrder(_ cluster: TwoNodeCluster, node: String) -> [String] {
        let cib = cluster.cib(node)
        var starts: [(Int, String)] = []
        for resource in Self.group {
            guard let range = cib.range(of: "operation_key=\"\(resource)_start_0\"") else { continue }
            let tail = cib[range.upperBound...]
            if let call = tail.range(of: "call-id=\""), let end = tail[call.upperBound...].firstIndex(of: "\""),
               let id = Int(tail[call.upperBound..<end]) {
                starts.append((id, resource))
            }
        }
        return starts.sorted { $0.0 < $1.0 }.map(\.1)
    }

    func owner(_ cluster: TwoNodeCluster) -> String? {
        for node in ["alpha", "bravo"] where cluster.running(on: node) == Self.group { return node }
        return nil
    }

    @Test("the group starts on one node in order; kill -9 moves it; the restarted node takes nothing back")
    func failover() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        try cluster.configurePair(through: "bravo")
        #expect(cluster.wait { owner(cluster) != nil }, "the group never started\n\(cluster.dumpLogs())")
        guard let first = owner(cluster) else { return }
        let other = first == "alpha" ? "bravo" : "alpha"
        #expect(cluster.running(on: other).isEmpty, "exactly one node runs the group")
        #expect(cluster.wait { startOrder(cluster, node: "alpha") == ["ckVIP", "vIP_10", "haproxyd"] },
                "start order in the CIB: \(startOrder(cluster, node: "alpha"))")

        // The active node's daemon dies; its resources die with the node in real life.
        let killedAt = Date()
        cluster.kill9(first)
        try? FileManager.default.removeItem(atPath: "\(cluster.root)/\(first)/rsctmp")
        try FileManager.default.createDirectory(atPath: "\(cluster.root)/\(first)/rsctmp", withIntermediateDirectories: true)
        #expect(cluster.wait { cluster.running(on: other) == Self.group }, "no failover\n\(cluster.dumpLogs())")
        print("failover: group running on \(other) \(String(format: "%.3f", Date().timeIntervalSince(killedAt))) s after kill -9 of \(first)'s pacerd")

        // The killed node comes back: it probes, finds nothing, and nothing moves back.
        try cluster.start(first)
        #expect(cluster.wait { cluster.cib(first).contains("operation_key=\"haproxyd_monitor_0\"") && cluster.cib(first).contains("uname=\"\(first)\" in_ccm=\"true\"") },
                "the returning node was not probed\n\(cluster.dumpLogs())")
        usleep(1_500_000)
        #expect(cluster.running(on: other) == Self.group)
        #expect(cluster.running(on: first).isEmpty, "something moved back\n\(cluster.dumpLogs())")
    }

    @Test("a configure on either node shows on the other")
    func configurationReplicates() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        #expect(cluster.wait { cluster.cib("alpha").contains("in_ccm=\"true\"") && cluster.cib("bravo").contains("uname=\"alpha\"") })
        for (via, other, name) in [("alpha", "bravo", "set-on-alpha"), ("bravo", "alpha", "set-on-bravo")] {
            let result = try cluster.pacer(via, ["configure", "property", "\(name)=yes"])
            #expect(result.status == 0, "\(result.stderr)")
            // The command returned, so the peer has acknowledged the new version.
            let shown = try cluster.pacer(other, ["configure", "show"]).stdout
            #expect(shown.contains("\(name)=yes"), "\(other) does not show what was set on \(via):\n\(shown)\n\(cluster.dumpLogs())")
            #expect(cluster.cib(other).contains("name=\"\(name)\""), "\(other)'s stored CIB lacks it")
        }
    }

    @Test("a user outside haclient can neither write nor read (the CIB holds secrets)")
    func unauthorizedWrite() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        #expect(cluster.wait { cluster.cib("alpha").contains("in_ccm=\"true\"") })
        guard let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("setpriv (util-linux) is needed to run a client as another user")
            return
        }
        let asNobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", TwoNodeCluster.pacer]
        try #require(cluster.pacer("alpha", ["configure", "primitive", "secretive", "ocf:pacer:Dummy", "params", "fake=hunter2",
                                             "meta", "target-role=Stopped"]).status == 0)
        for reading in [["configure", "show"], ["status", "-1"], ["configure", "show", "xml"]] {
            let read = try run(asNobody + reading, environment: ["PACER_IPC": cluster.ipcName("alpha"), "CIB_file": ""])
            #expect(read.status != 0, "\(reading) should be refused: \(read.stdout)")
            #expect(!read.stdout.contains("hunter2") && !read.stderr.contains("hunter2"), "a secret reached uid 65534")
            #expect(read.stderr.contains("permission denied"), "\(read.stderr)")
            #expect(read.stderr.split(separator: "\n").count == 1, "not one line: \(read.stderr)")
        }
        let write = try run(asNobody + ["configure", "property", "sneaky=1"], environment: ["PACER_IPC": cluster.ipcName("alpha"), "CIB_file": ""])
        #expect(write.status != 0)
        #expect(write.stderr.contains("permission denied"), "\(write.stderr)")
        #expect(!cluster.cib("alpha").contains("sneaky"))
    }

    @Test("a graceful stop of the active node hands the group over first")
    func gracefulStop() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        try cluster.configurePair(through: "alpha")
        #expect(cluster.wait { owner(cluster) != nil }, "the group never started\n\(cluster.dumpLogs())")
        guard let first = owner(cluster) else { return }
        let other = first == "alpha" ? "bravo" : "alpha"
        #expect(cluster.stop(first), "pacerd did not exit after SIGTERM\n\(cluster.dumpLogs())")
        #expect(cluster.running(on: first).isEmpty, "resources left running on the stopped node\n\(cluster.dumpLogs())")
        #expect(cluster.wait { cluster.running(on: other) == Self.group }, "the group did not move\n\(cluster.dumpLogs())")
        // The last node stops everything before it exits.
        #expect(cluster.stop(other), "the last pacerd did not exit\n\(cluster.dumpLogs())")
        #expect(cluster.running(on: other).isEmpty, "the last node left resources running\n\(cluster.dumpLogs())")
    }
}

/// Day-2: deleting what runs (issue #13, point 1).
@Suite("orphans on the loopback pair", .serialized)
struct OrphanTests {
    func configureRunning(_ cluster: TwoNodeCluster, _ id: String) throws -> String {
        let result = try cluster.pacer("alpha", ["configure", "primitive", id, "ocf:pacer:Dummy", "params", "fake=v1",
                                                 "op", "monitor", "interval=1s"])
        try #require(result.status == 0, "\(result.stderr)")
        let started = cluster.wait { cluster.running(on: "alpha").contains(id) || cluster.running(on: "bravo").contains(id) }
        try #require(started, "\(id) never started\n\(cluster.dumpLogs())")
        return cluster.running(on: "alpha").contains(id) ? "alpha" : "bravo"
    }

    @Test("a running resource is not deleted without --force; with it, the cluster stops it and forgets its history")
    func deleteRunning() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        try #require(cluster.pacer("alpha", ["configure", "property", "stonith-enabled=false"]).status == 0)
        let node = try configureRunning(cluster, "d3")
        let refused = try cluster.pacer("bravo", ["configure", "delete", "d3"])
        #expect(refused.status == 1, "a running resource was deleted: \(refused.stdout)")
        #expect(refused.stderr.contains("d3 is running") && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(cluster.cib("alpha").contains("id=\"d3\""), "the refused delete changed the configuration")
        let forced = try cluster.pacer("bravo", ["configure", "delete", "--force", "d3"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(cluster.wait(upTo: 10) { !cluster.running(on: node).contains("d3") }, "the orphan still runs\n\(cluster.dumpLogs())")
        #expect(cluster.wait(upTo: 10) { !cluster.cib("alpha").contains("lrm_resource id=\"d3\"") && !cluster.cib("bravo").contains("lrm_resource id=\"d3\"") },
                "the orphan's history stayed")
        let status = try cluster.pacer("alpha", ["status", "-1"]).stdout
        #expect(!status.contains("ORPHANED") && !status.contains("d3"), "status still shows it:\n\(status)")
        let log = (try? String(contentsOfFile: cluster.logPath("alpha"), encoding: .utf8)) ?? ""
        #expect(!log.contains("unknown resource"), "the DC could not act on the orphan")
    }
}

extension OrphanTests {
    @Test("a parameter change reloads when the agent can reload it and restarts otherwise, as crm_simulate predicts; a meta change does neither")
    func parameterChange() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        try #require(cluster.pacer("alpha", ["configure", "property", "stonith-enabled=false"]).status == 0)
        let node = try configureRunning(cluster, "d4")
        let state = "\(cluster.root)/\(node)/rsctmp/Dummy-d4.state"
        // The state file appears before the agent has written the value into it.
        #expect(cluster.wait(upTo: 5) { (try? String(contentsOfFile: state, encoding: .utf8)) == "v1\n" })
        func count(_ op: String) -> Int {
            ["alpha", "bravo"].map { node in
                ((try? String(contentsOfFile: cluster.logPath(node), encoding: .utf8)) ?? "").split(separator: "\n")
                    .filter { $0.contains("Executing") && $0.contains("op=\(op)") }.count
            }.reduce(0, +)
        }
        #expect(cluster.wait(upTo: 5) { count("d4_monitor_1000") == 1 })
        /// The Transition Summary's lines.
        func summary(_ text: String) -> [String] {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let start = lines.firstIndex(of: "Transition Summary:") else { return [] }
            return Array(lines[(start + 1)...].prefix { $0.hasPrefix("  * ") })
        }
        // What Pacemaker would do with the same change, on the DC's CIB as it is now.
        func predicted(_ name: String, _ value: String) throws -> (crm: [String], pacer: [String]) {
            let copy = "\(cluster.root)/predict-\(name).xml"
            // The copy on disk is written off the event loop: wait until it shows the cluster settled.
            let settled = cluster.wait(upTo: 10) {
                guard (try? cluster.cib("alpha").write(toFile: copy, atomically: true, encoding: .utf8)) != nil,
                      let now = try? Tool.run(["crm_simulate", "-x", copy, "-S"]) else { return false }
                return summary(now.stdout).isEmpty
            }
            try #require(settled, "the DC's CIB on disk never showed the cluster settled")
            let edit = try Tool.run(["crm_resource", "--resource", "d4", "--set-parameter", name, "--parameter-value", value],
                                    environment: ["CIB_file": copy])
            try #require(edit.status == 0, "\(edit.stderr)")
            let crm = try Tool.run(["crm_simulate", "-x", copy, "-S"])
            let ours = try Tool.run([TwoNodeCluster.pacer, "simulate", "-x", copy, "-S"])
            return (summary(crm.stdout), summary(ours.stdout))
        }
        // The agent (OCF 1.0 with a reload action) can reload `fake` (not unique): a reload.
        let reload = try predicted("fake", "v2")
        #expect(reload.crm.count == 1 && reload.crm[0].contains("Reload") && reload.crm[0].contains("d4"), "\(reload.crm)")
        #expect(reload.pacer == reload.crm)
        #expect(try cluster.pacer("bravo", ["resource", "param", "d4", "set", "fake", "v2"]).status == 0)
        #expect(cluster.wait(upTo: 10) { (try? String(contentsOfFile: state, encoding: .utf8)) == "v2\n" },
                "d4 was not reloaded with fake=v2\n\(cluster.dumpLogs())")
        #expect(count("d4_reload-agent_0") == 1 && count("d4_start_0") == 1 && count("d4_stop_0") == 0,
                "reloads \(count("d4_reload-agent_0")), starts \(count("d4_start_0")), stops \(count("d4_stop_0"))")
        #expect(try cluster.pacer("alpha", ["resource", "param", "d4", "show", "fake"]).stdout == "v2\n")
        // Once more: no further action follows (the reload was recorded as the new start).
        usleep(1_500_000)
        #expect(count("d4_reload-agent_0") == 1 && count("d4_start_0") == 1)
        // `state` is unique: a restart, with the old state file removed by the stop.
        let moved = "\(cluster.root)/\(node)/rsctmp/Dummy-d4-moved.state"
        let restart = try predicted("state", moved)
        #expect(restart.crm.count == 1 && restart.crm[0].contains("Restart") && restart.crm[0].contains("d4"), "\(restart.crm)")
        #expect(restart.pacer == restart.crm)
        #expect(try cluster.pacer("alpha", ["resource", "param", "d4", "set", "state", moved]).status == 0)
        #expect(cluster.wait(upTo: 10) { (try? String(contentsOfFile: moved, encoding: .utf8)) == "v2\n" },
                "d4 was not restarted with the new state\n\(cluster.dumpLogs())")
        #expect(!FileManager.default.fileExists(atPath: state), "the stop did not use the old parameters")
        #expect(count("d4_start_0") == 2 && count("d4_stop_0") == 1)
        let before = count("d4_start_0") + count("d4_reload-agent_0")
        #expect(try cluster.pacer("alpha", ["resource", "meta", "d4", "set", "description", "a note"]).status == 0)
        usleep(1_500_000)
        #expect(count("d4_start_0") + count("d4_reload-agent_0") == before, "a meta attribute that does not change the digest restarted d4")
    }
}

extension OrphanTests {
    @Test("configure erase is refused while resources run, with nothing deleted; erase --force empties the configuration")
    func eraseRunning() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        try #require(cluster.pacer("alpha", ["configure", "property", "stonith-enabled=false"]).status == 0)
        _ = try configureRunning(cluster, "e1")
        _ = try configureRunning(cluster, "e2")
        let refused = try cluster.pacer("alpha", ["configure", "erase"])
        #expect(refused.status == 1 && refused.stderr.contains("is running") && refused.stderr.contains("nothing was deleted"), "\(refused.stderr)")
        #expect(cluster.cib("alpha").contains("id=\"e1\""))
        #expect(cluster.cib("alpha").contains("id=\"e2\""), "the refused erase deleted something")
        #expect(try cluster.pacer("alpha", ["configure", "erase", "--force"]).status == 0)
        let shown = try cluster.pacer("bravo", ["configure", "show"]).stdout
        #expect(!shown.contains("primitive") && !shown.contains("stonith-enabled"), "\(shown)")   // the DC records its own dc-version again
        #expect(shown.contains("node "), "erase keeps the nodes: \(shown)")
    }
}

/// Live status tells the truth (issue #13, point 7).
@Suite("live status on the loopback pair", .serialized)
struct LiveStatusTests {
    @Test("status names the stack, the DC with its version, and who changed what, where and when")
    func truthfulHeader() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        let version = try run([TwoNodeCluster.pacer, "--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(cluster.pacer("bravo", ["configure", "property", "stonith-enabled=false"]).status == 0)
        var status = ""
        let ok = cluster.wait(upTo: 10) {
            status = (try? cluster.pacer("bravo", ["status", "-1"]).stdout) ?? ""
            return status.contains("Current DC: alpha (version \(version))")
        }
        #expect(ok, "status:\n\(status)")
        #expect(status.contains("Stack: pacer"), "\(status)")
        #expect(status.contains("Last change: ") && status.contains(" by root via pacer on bravo"), "\(status)")
        #expect(!status.contains("OFFLINE"), "\(status)")
        #expect(cluster.cib("alpha").contains("name=\"cluster-name\" value=\"it\""))
    }
}

extension LiveStatusTests {
    @Test("a transient node attribute is recorded by the DC and vanishes when its node leaves; a permanent one stays")
    func transientAttribute() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        try #require(cluster.wait(upTo: 10) { cluster.cib("alpha").contains("dc-version") })
        #expect(try cluster.pacer("alpha", ["node", "attribute", "bravo", "set", "booted", "yes", "--lifetime", "reboot"]).status == 0)
        #expect(try cluster.pacer("bravo", ["node", "attribute", "bravo", "set", "site", "east"]).status == 0)
        #expect(cluster.wait(upTo: 5) { cluster.cib("bravo").contains("name=\"booted\" value=\"yes\"") })
        #expect(try cluster.pacer("bravo", ["node", "attribute", "bravo", "show", "booted", "-l", "reboot", "-q"]).stdout == "yes\n")
        cluster.kill9("bravo")
        #expect(cluster.wait(upTo: 5) { !cluster.cib("alpha").contains("name=\"booted\"") }, "the transient attribute outlived its node")
        #expect(try cluster.pacer("alpha", ["node", "attribute", "bravo", "show", "site", "-q"]).stdout == "east\n")
    }
}

/// Staging a change in a shadow CIB (issue #13, point 3).
@Suite("shadow CIBs on the loopback pair", .serialized)
struct ShadowTests {
    @Test("a shadow takes changes instead of the cluster; commit applies it; a stale commit is refused unless forced")
    func stageAndCommit() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        let shadows = "\(cluster.root)/shadow"
        func pacer(_ arguments: [String]) throws -> CommandResult {
            try run([TwoNodeCluster.pacer] + arguments,
                    environment: ["PACER_IPC": cluster.ipcName("alpha"), "CIB_file": "", "CIB_shadow": "", "PACER_SHADOW_DIR": shadows])
        }
        // Once the DC has recorded itself (dc-version and the rest change the configuration).
        try #require(cluster.wait(upTo: 10) { cluster.cib("alpha").contains("dc-version") && cluster.cib("bravo").contains("dc-version") })
        try #require(pacer(["cib", "new", "s1"]).status == 0)
        #expect(try pacer(["configure", "property", "staged=yes"]).status == 0)
        #expect(!cluster.cib("alpha").contains("staged"), "the shadow's change reached the cluster before the commit")
        #expect(try pacer(["cib", "list"]).stdout.contains("* s1"))
        #expect(try pacer(["cib", "diff", "s1"]).stdout.split(separator: "\n").contains { $0.hasPrefix("+") && $0.contains("staged=yes") }, "diff shows the staged property")
        let commit = try pacer(["cib", "commit", "s1"])
        #expect(commit.status == 0, "\(commit.stderr)")
        #expect(cluster.wait(upTo: 5) { cluster.cib("alpha").contains("name=\"staged\"") && cluster.cib("bravo").contains("name=\"staged\"") })
        // After the commit, commands work on the live cluster again.
        #expect(try pacer(["configure", "property", "live=yes"]).status == 0)
        #expect(cluster.cib("alpha").contains("name=\"live\""))
        // A shadow taken, then the cluster changes: its commit is refused, and forced it applies.
        try #require(pacer(["cib", "new", "s2"]).status == 0)
        #expect(try pacer(["configure", "property", "from-s2=yes"]).status == 0)
        #expect(try cluster.pacer("bravo", ["configure", "property", "meanwhile=yes"]).status == 0)
        let stale = try pacer(["cib", "commit", "s2"])
        #expect(stale.status == 1 && stale.stderr.contains("changed since shadow 's2' was taken"), "\(stale.stderr)")
        #expect(!cluster.cib("alpha").contains("from-s2"))
        #expect(try pacer(["cib", "commit", "--force", "s2"]).status == 0)
        #expect(cluster.wait(upTo: 5) { cluster.cib("alpha").contains("from-s2") })
        #expect(try pacer(["cib", "delete", "s1"]).status == 0)
        #expect(try pacer(["cib", "delete", "s9"]).status == 105)
        #expect(try pacer(["cib", "use", "s2"]).status == 0)
        #expect(try pacer(["configure", "show"]).stdout.contains("from-s2"))
        #expect(try pacer(["cib", "use"]).status == 0)
    }
}
