// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerTestKit
import Testing

/// `pacer simulate --live-check` (crm_simulate -L) and `pacer node clearstate` on a running pair
/// of daemons on loopback; `pacer simulate` on a shadow CIB.
@Suite("simulate --live-check and node clearstate on a live pair", .serialized)
struct LiveCheckAndClearStateTests {
    static let group: Set<String> = ["ckVIP", "vIP_10", "haproxyd"]

    func owner(_ cluster: TwoNodeCluster) -> String? {
        for node in ["alpha", "bravo"] where cluster.running(on: node) == Self.group { return node }
        return nil
    }

    /// `pacer simulate -L ARGS` through `node`'s daemon, and crm_simulate on the CIB it read
    /// (saved with -O in the same command): the two outputs.
    func liveCheck(_ cluster: TwoNodeCluster, _ node: String, _ arguments: [String] = ["-R"],
                   environment: [String: String] = [:]) throws -> (ours: CommandResult, theirs: CommandResult) {
        let saved = "\(cluster.root)/live-\(node).xml"
        let ours = try run([TwoNodeCluster.pacer, "simulate", "-L", "-O", saved] + arguments,
                           environment: ["PACER_IPC": cluster.ipcName(node), "CIB_file": "", "CIB_shadow": ""].merging(environment) { _, b in b })
        let theirs = try run(["/usr/sbin/crm_simulate", "-x", saved] + arguments)
        return (ours, theirs)
    }

    @Test("-L shows what the running cluster would do, as crm_simulate on the same CIB; a shadow is simulated with CIB_shadow, cib use or -x")
    func liveCheckAndShadow() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        try cluster.configurePair(through: "alpha")
        #expect(cluster.wait { owner(cluster) != nil }, "the group never started\n\(cluster.dumpLogs())")
        #expect(cluster.wait { (try? liveCheck(cluster, "bravo").ours.stdout.hasSuffix("Transition Summary:\n")) == true },
                "the cluster did not settle\n\(cluster.dumpLogs())")
        for node in ["alpha", "bravo"] {
            let (ours, theirs) = try liveCheck(cluster, node)
            #expect(ours.status == 0, "\(ours.stderr)")
            #expect(ours.stdout == theirs.stdout, "simulate -L on \(node):\n\(ours.stdout)\n---\n\(theirs.stdout)")
            #expect(ours.stdout.contains("Started \(owner(cluster) ?? "?")"), "\(ours.stdout)")
        }

        // A shadow: a change staged there is what -L simulates under CIB_shadow or after cib use.
        let shadows = "\(cluster.root)/shadows"
        let env = ["PACER_IPC": cluster.ipcName("alpha"), "CIB_file": "", "PACER_SHADOW_DIR": shadows]
        #expect(try run([TwoNodeCluster.pacer, "cib", "new", "s1"], environment: env).status == 0)
        #expect(try run([TwoNodeCluster.pacer, "resource", "stop", "haproxyd"], environment: env.merging(["CIB_shadow": "s1"]) { _, b in b }).status == 0)
        let staged = try liveCheck(cluster, "alpha", environment: ["PACER_SHADOW_DIR": shadows, "CIB_shadow": "s1"])
        #expect(staged.ours.status == 0 && staged.ours.stdout == staged.theirs.stdout, "\(staged.ours.stdout)\n---\n\(staged.theirs.stdout)")
        #expect(staged.ours.stdout.contains("* Stop       haproxyd"), "\(staged.ours.stdout)")
        let byFile = try run([TwoNodeCluster.pacer, "simulate", "-x", "\(shadows)/shadow.s1", "-R"])
        #expect(byFile.stdout == staged.ours.stdout)
        // `pacer cib use s1` (remembered per user) instead of CIB_shadow; the live cluster is untouched.
        #expect(try run([TwoNodeCluster.pacer, "cib", "use", "s1"], environment: env).status == 0)
        let used = try liveCheck(cluster, "alpha", environment: ["PACER_SHADOW_DIR": shadows])
        #expect(used.ours.stdout == staged.ours.stdout)
        #expect(try run([TwoNodeCluster.pacer, "cib", "use"], environment: env).status == 0)
        let live = try liveCheck(cluster, "alpha", environment: ["PACER_SHADOW_DIR": shadows])
        #expect(!live.ours.stdout.contains("Stop       haproxyd") && live.ours.stdout == live.theirs.stdout, "\(live.ours.stdout)")
        #expect(owner(cluster) != nil, "staging in a shadow changed the cluster")
    }

    @Test("-L without a daemon: one line naming pacerd, exit 66, at once; -L with -x is a usage error")
    func liveCheckWithoutDaemon() throws {
        let started = Date()
        let result = try run([TwoNodeCluster.pacer, "simulate", "-L", "-R"],
                             environment: ["PACER_IPC": "pacer-it-nobody-\(getpid())", "CIB_file": "", "CIB_shadow": "",
                                           "PACER_SHADOW_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("no-shadows-\(getpid())").path])
        #expect(result.status == 66, "\(result.status) \(result.stderr)")
        #expect(result.stderr.hasPrefix("pacer: --live-check: cannot reach pacerd") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(Date().timeIntervalSince(started) < 10, "it waited for a daemon")
        let both = try run([TwoNodeCluster.pacer, "simulate", "-L", "-x", "/nonexistent", "-R"])
        #expect(both.status == 64, "\(both.stderr)")
    }

    @Test("a lost node waits to be fenced; clearstate on the survivor takes it as down and the group starts there; -L shows both decisions")
    func clearStateRecovers() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        try cluster.configurePair(through: "alpha")
        // Fencing on, with a device that never runs: the scheduler decides fencing; Pacer holds recovery.
        for line in [["configure", "primitive", "fence1", "stonith:fence_dummy", "meta", "target-role=Stopped"],
                     ["configure", "property", "stonith-enabled=true"]] {
            let result = try cluster.pacer("alpha", line)
            try #require(result.status == 0, "\(line): \(result.stderr)")
        }
        #expect(cluster.wait { owner(cluster) != nil }, "the group never started\n\(cluster.dumpLogs())")
        guard let first = owner(cluster) else { return }
        let other = first == "alpha" ? "bravo" : "alpha"

        cluster.kill9(first)
        try? FileManager.default.removeItem(atPath: "\(cluster.root)/\(first)/rsctmp")
        try FileManager.default.createDirectory(atPath: "\(cluster.root)/\(first)/rsctmp", withIntermediateDirectories: true)
        let logPath = cluster.logPath(other)
        #expect(cluster.wait { ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").contains("Pacer cannot fence") },
                "the survivor never decided to fence \(first)\n\(cluster.dumpLogs())")
        #expect(cluster.running(on: other).isEmpty, "recovered before the fencing was confirmed")
        let waiting = try liveCheck(cluster, other)
        #expect(waiting.ours.stdout == waiting.theirs.stdout, "\(waiting.ours.stdout)\n---\n\(waiting.theirs.stdout)")
        #expect(waiting.ours.stdout.contains("* Fence (reboot) \(first)"), "\(waiting.ours.stdout)")

        // The survivor itself is online: clearstate there only cleans up failures.
        let online = try cluster.pacer(other, ["node", "clearstate", other, "--force"])
        #expect(online.status == 0 && online.stdout.contains("is online"), "\(online.stdout) \(online.stderr)")
        let unknown = try cluster.pacer(other, ["node", "clearstate", "charlie", "--force"])
        #expect(unknown.status == 105 && unknown.stderr.contains("'charlie'"), "\(unknown.stderr)")

        let cleared = try cluster.pacer(other, ["node", "clearstate", first, "--force"])
        #expect(cleared.status == 0, "\(cleared.stderr)")
        #expect(cluster.wait { cluster.running(on: other) == Self.group }, "the group did not start on \(other)\n\(cluster.dumpLogs())")
        #expect(cluster.cib(other).contains("uname=\"\(first)\" in_ccm=\"false\" crmd=\"offline\" join=\"down\" expected=\"down\""),
                "the lost node's state: \(cluster.cib(other))")
        let after = try liveCheck(cluster, other)
        #expect(after.ours.stdout == after.theirs.stdout && !after.ours.stdout.contains("Fence"), "\(after.ours.stdout)")

        // The node comes back: it is expected up again and nothing moves back.
        try cluster.start(first)
        #expect(cluster.wait { cluster.cib(other).contains("uname=\"\(first)\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"") },
                "\(first) did not rejoin\n\(cluster.dumpLogs())")
        #expect(cluster.running(on: other) == Self.group)
    }
    @Test("pacerd refuses a clearstate request without a node, for an unknown node, and for a running member; nothing changes")
    func clearStateRequestsRefused() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        try #require(cluster.wait(upTo: 10) { cluster.cib("alpha").contains("uname=\"bravo\" in_ccm=\"true\"") })
        let probe = Tool.binary("pacer-ipc-probe")
        // Typed requests (PacerWire): `edit clearstate NODE`; a request of the wrong shape does not decode.
        for (request, names) in [(["edit", "clearstate"], "malformed request"), (["edit", "clearstate", "charlie"], "'charlie'"),
                                 (["edit", "clearstate", "alpha"], "running member"), (["edit", "clearstate", "bravo"], "running member"),
                                 (["edit", "clearstate", "bravo", "extra"], "malformed request")] {
            let reply = try run([probe, cluster.ipcName("alpha"), "strings"] + request)
            #expect(reply.stdout.hasPrefix("error") && reply.stdout.contains(names), "\(request): \(reply.stdout) \(reply.stderr)")
        }
        #expect(!cluster.cib("alpha").contains("expected=\"down\"") && cluster.cib("alpha").contains("uname=\"bravo\" in_ccm=\"true\""),
                "a refused clearstate changed the nodes' state: \(cluster.cib("alpha"))")
        #expect(try cluster.pacer("alpha", ["configure", "property", "still-serving=yes"]).status == 0)
    }

    @Test("move --lifetime on the live pair: the resource moves, and moves back once the constraint has expired (decided at its end)")
    func moveWithLifetime() throws {
        let cluster = try TwoNodeCluster()
        try cluster.start("alpha")
        try cluster.start("bravo")
        let script = """
        configure
        property stonith-enabled=false no-quorum-policy=ignore
        primitive solo ocf:pacer:Dummy op monitor interval=1s meta resource-stickiness=0
        location prefer-alpha solo 50: alpha
        commit
        """
        let file = "\(cluster.root)/solo.crm"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        try #require(try cluster.pacer("alpha", ["configure", "-f", file]).status == 0)
        #expect(cluster.wait { cluster.running(on: "alpha") == ["solo"] }, "solo did not start on alpha\n\(cluster.dumpLogs())")

        let moved = try cluster.pacer("bravo", ["resource", "move", "solo", "bravo", "--lifetime", "PT8S"])
        #expect(moved.status == 0, "\(moved.stderr)")
        let endText = try #require(moved.stdout.split(separator: "\n").first?.components(separatedBy: " until ").last)
        let end = try #require(Int(try run(["/usr/sbin/iso8601", "-d", endText, "-S"]).stdout
            .split(separator: "\n").first { $0.hasPrefix("Date: ") }?.dropFirst(6) ?? ""))
        #expect(cluster.wait { cluster.running(on: "bravo") == ["solo"] }, "solo did not move\n\(cluster.dumpLogs())")
        // While the constraint holds it stays; what -t says about its end, crm_simulate says too.
        let after = CrmTimeText.utc(end + 1)
        let predicted = try liveCheck(cluster, "alpha", ["-R", "-t", after])
        #expect(predicted.ours.stdout == predicted.theirs.stdout, "\(predicted.ours.stdout)\n---\n\(predicted.theirs.stdout)")
        #expect(predicted.ours.stdout.contains("* Move       solo    ( bravo -> alpha )"), "\(predicted.ours.stdout)")
        while Int(Date().timeIntervalSince1970) < end - 1 {
            #expect(cluster.running(on: "bravo") == ["solo"], "solo left bravo before the constraint expired")
            usleep(250_000)
        }
        #expect(cluster.wait(upTo: 30) { cluster.running(on: "alpha") == ["solo"] }, "solo did not return\n\(cluster.dumpLogs())")
        #expect(Int(Date().timeIntervalSince1970) >= end, "solo returned before the end")
    }
}

/// `YYYY-MM-DD HH:MM:SSZ` for `pacer simulate -t` and crm_simulate's `--set-datetime`.
enum CrmTimeText {
    static func utc(_ seconds: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
