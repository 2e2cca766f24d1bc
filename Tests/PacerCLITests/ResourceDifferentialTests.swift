// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// `pacer resource …` against `crm_resource` on copies of the same CIB.
@Suite("resource: same CIB edits as crm_resource", .serialized)
struct ResourceDifferentialTests {
    /// The canonical pair on two nodes, started by crm_simulate (so it runs on pm01).
    func runningPair(_ dir: TemporaryDirectory) throws -> String {
        let base = dir.file("base.xml")
        try Tool.run([Tool.pacer, "cib", "new", base])
        try Tool.run([Tool.pacer, "configure", "-f", Tool.packageRoot.appendingPathComponent("cib-examples/proxy-pair.crm").path], environment: ["CIB_file": base])
        for node in ["pm01", "pm02"] { try Tool.run([Tool.pacer, "configure", "node", node], environment: ["CIB_file": base]) }
        let running = dir.file("running.xml")
        try #require(try Tool.run(["crm_simulate", "-x", base, "-S", "-O", running, "--node-up", "pm01", "--node-up", "pm02"]).status == 0)
        return running
    }

    /// Runs each step with the reference tool on `theirs` and with `pacer SUBCOMMAND` on `ours`,
    /// expecting both to succeed and the two CIBs to be equal after every step.
    func sameSteps(_ steps: [(crm: [String], pacer: [String])], tool: String, pacerCommand: String,
                   theirs: String, ours: String) throws {
        for step in steps {
            let crm = try Tool.run([tool] + step.crm, environment: ["CIB_file": theirs])
            #expect(crm.status == 0, "\(tool) \(step.crm): \(crm.stderr)")
            let pacer = try Tool.run([Tool.pacer, pacerCommand] + step.pacer, environment: ["CIB_file": ours])
            #expect(pacer.status == 0, "pacer \(pacerCommand) \(step.pacer): \(pacer.stderr)")
            let (a, b) = (try canonicalCIB(ours), try canonicalCIB(theirs))
            let difference = a == b ? "" : try Tool.run(["bash", "-c", "diff <(echo \"$A\") <(echo \"$B\") | head -20"], environment: ["A": a, "B": b]).stdout
            #expect(a == b, "after \(step.pacer): \(difference) \(tool) said: \(crm.stdout) \(crm.stderr)")
        }
    }

    @Test("stop, start, unmanage, move, ban and clear write what crm_resource writes")
    func sameEdits() throws {
        let dir = try TemporaryDirectory()
        let running = try runningPair(dir)
        let theirs = dir.file("crm.xml"), ours = dir.file("pacer.xml")
        try FileManager.default.copyItem(atPath: running, toPath: theirs)
        try FileManager.default.copyItem(atPath: running, toPath: ours)
        let steps: [(crm: [String], pacer: [String])] = [
            (["--meta", "-r", "haproxyd", "-p", "target-role", "-v", "Stopped"], ["stop", "haproxyd"]),
            (["--meta", "-r", "haproxyd", "-p", "target-role", "-v", "Started"], ["start", "haproxyd"]),
            (["--move", "-r", "proxyGroup", "--node", "pm02"], ["move", "proxyGroup", "pm02"]),
            (["--ban", "-r", "ckVIP", "--node", "pm01"], ["ban", "ckVIP", "pm01"]),
            (["--clear", "-r", "proxyGroup"], ["clear", "proxyGroup"]),
            (["--meta", "-r", "vIP_10", "-p", "is-managed", "-v", "false"], ["unmanage", "vIP_10"]),
        ]
        try sameSteps(steps, tool: "crm_resource", pacerCommand: "resource", theirs: theirs, ours: ours)
    }

    @Test("param and meta set/delete write what crm_resource writes (ids included); show prints the value")
    func paramAndMeta() throws {
        let dir = try TemporaryDirectory()
        let running = try runningPair(dir)
        let theirs = dir.file("crm.xml"), ours = dir.file("pacer.xml")
        try FileManager.default.copyItem(atPath: running, toPath: theirs)
        try FileManager.default.copyItem(atPath: running, toPath: ours)
        let steps: [(crm: [String], pacer: [String])] = [
            (["-r", "vIP_10", "-p", "cidr_netmask", "-v", "16"], ["param", "vIP_10", "set", "cidr_netmask", "16"]),
            (["-r", "vIP_10", "-p", "arp_count", "-v", "3"], ["param", "vIP_10", "set", "arp_count", "3"]),
            (["-r", "haproxyd", "-p", "newparam", "-v", "x y"], ["param", "haproxyd", "set", "newparam", "x y"]),
            (["-r", "proxyGroup", "-p", "grouparam", "-v", "1"], ["param", "proxyGroup", "set", "grouparam", "1"]),
            (["--meta", "-r", "vIP_10", "-p", "priority", "-v", "5"], ["meta", "vIP_10", "set", "priority", "5"]),
            (["--meta", "-r", "ckVIP", "-p", "resource-stickiness", "-v", "100"], ["meta", "ckVIP", "set", "resource-stickiness", "100"]),
            (["-r", "vIP_10", "-d", "arp_count"], ["param", "vIP_10", "delete", "arp_count"]),
            (["--meta", "-r", "vIP_10", "-d", "priority"], ["meta", "vIP_10", "delete", "priority"]),
        ]
        try sameSteps(steps, tool: "crm_resource", pacerCommand: "resource", theirs: theirs, ours: ours)
        for (crm, pacer) in [(["-r", "vIP_10", "-g", "cidr_netmask"], ["param", "vIP_10", "show", "cidr_netmask"]),
                             (["--meta", "-r", "ckVIP", "-g", "resource-stickiness"], ["meta", "ckVIP", "show", "resource-stickiness"])] {
            let theirValue = try Tool.run(["crm_resource"] + crm, environment: ["CIB_file": theirs]).stdout
            let ourValue = try Tool.run([Tool.pacer, "resource"] + pacer, environment: ["CIB_file": ours]).stdout
            #expect(ourValue == theirValue, "\(pacer): '\(ourValue)' vs crm_resource '\(theirValue)'")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: ours))
        let missing = try Tool.run([Tool.pacer, "resource", "param", "vIP_10", "delete", "nosuch"], environment: ["CIB_file": ours])
        #expect(missing.status == 105 && missing.stderr.contains("parameter 'nosuch' not found for 'vIP_10'"), "\(missing.stderr)")
        let typo = try Tool.run([Tool.pacer, "resource", "param", "vIP01", "set", "a", "b"], environment: ["CIB_file": ours])
        #expect(typo.status == 105 && typo.stderr.contains("did you mean 'vIP_10'?"), "\(typo.stderr)")
        let verb = try Tool.run([Tool.pacer, "resource", "meta", "vIP_10", "sett", "a", "b"], environment: ["CIB_file": ours])
        #expect(verb.status == 64, "\(verb.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: ours)) == before, "a refused command changed the CIB")
    }

    @Test("node attribute and utilization set/delete (forever and reboot), maintenance and ready write what crm_attribute writes; show prints what it prints")
    func nodeAttributes() throws {
        let dir = try TemporaryDirectory()
        let running = try runningPair(dir)
        let theirs = dir.file("crm.xml"), ours = dir.file("pacer.xml")
        try FileManager.default.copyItem(atPath: running, toPath: theirs)
        try FileManager.default.copyItem(atPath: running, toPath: ours)
        let steps: [(crm: [String], pacer: [String])] = [
            (["-N", "pm01", "-n", "site", "-v", "east"], ["attribute", "pm01", "set", "site", "east"]),
            (["-N", "pm02", "-n", "site", "-v", "west"], ["attribute", "pm02", "set", "site", "west"]),
            (["-N", "pm01", "-n", "site", "-v", "north"], ["attribute", "pm01", "set", "site", "north"]),
            (["-N", "pm01", "-n", "cpu", "-v", "4", "-z"], ["utilization", "pm01", "set", "cpu", "4"]),
            (["-N", "pm01", "-n", "memory", "-v", "2048", "-z"], ["utilization", "pm01", "set", "memory", "2048"]),
            (["-N", "pm02", "-n", "booted", "-v", "1", "-l", "reboot"], ["attribute", "pm02", "set", "booted", "1", "--lifetime", "reboot"]),
            (["-N", "pm02", "-n", "site", "-D"], ["attribute", "pm02", "delete", "site"]),
            (["-N", "pm01", "-n", "memory", "-D", "-z"], ["utilization", "pm01", "delete", "memory"]),
            (["-N", "pm02", "-n", "booted", "-D", "-l", "reboot"], ["attribute", "pm02", "delete", "booted", "--lifetime", "reboot"]),
            (["-N", "pm01", "-n", "maintenance", "-v", "true"], ["maintenance", "pm01"]),
            (["-N", "pm01", "-n", "maintenance", "-v", "off"], ["ready", "pm01"]),
        ]
        try sameSteps(steps, tool: "crm_attribute", pacerCommand: "node", theirs: theirs, ours: ours)
        for (crm, pacer) in [(["-N", "pm01", "-n", "site", "-G"], ["attribute", "pm01", "show", "site"]),
                             (["-N", "pm01", "-n", "site", "-G", "-q"], ["attribute", "pm01", "show", "site", "-q"])] {
            let theirValue = try Tool.run(["crm_attribute"] + crm, environment: ["CIB_file": theirs]).stdout
            let ourValue = try Tool.run([Tool.pacer, "node"] + pacer, environment: ["CIB_file": ours]).stdout
            #expect(ourValue == theirValue, "\(pacer): '\(ourValue)' vs crm_attribute '\(theirValue)'")
        }
        let missing = try Tool.run([Tool.pacer, "node", "attribute", "pm01", "show", "nope"], environment: ["CIB_file": ours])
        #expect(missing.status == 105)
        let node = try Tool.run([Tool.pacer, "node", "attribute", "pm09", "set", "a", "b"], environment: ["CIB_file": ours])
        #expect(node.status == 105 && node.stderr.contains("'pm09'"), "\(node.stderr)")
        let lifetime = try Tool.run([Tool.pacer, "node", "attribute", "pm01", "set", "a", "b", "--lifetime", "bogus"], environment: ["CIB_file": ours])
        #expect(lifetime.status == 64, "\(lifetime.stderr)")
    }

    @Test("locate prints what crm_resource --locate prints; maintenance writes what crm resource maintenance writes; refresh forgets the history")
    func locateMaintenanceRefresh() throws {
        let dir = try TemporaryDirectory()
        let running = try runningPair(dir)
        for resource in ["vIP_10", "proxyGroup"] {
            for quiet in [false, true] {
                let theirs = try Tool.run(["crm_resource", "--locate", "-r", resource] + (quiet ? ["-Q"] : []), environment: ["CIB_file": running])
                let ours = try Tool.run([Tool.pacer, "resource", "locate", resource] + (quiet ? ["-Q"] : []), environment: ["CIB_file": running])
                #expect(ours.stdout == theirs.stdout, "locate \(resource) quiet=\(quiet): '\(ours.stdout)' vs '\(theirs.stdout)'")
            }
        }
        let theirs = dir.file("crm.xml"), ours = dir.file("pacer.xml")
        try FileManager.default.copyItem(atPath: running, toPath: theirs)
        try FileManager.default.copyItem(atPath: running, toPath: ours)
        for (crm, pacer) in [(["resource", "maintenance", "vIP_10", "on"], ["maintenance", "vIP_10", "on"]),
                             (["resource", "maintenance", "vIP_10", "off"], ["maintenance", "vIP_10", "off"])] {
            #expect(try Tool.run(["crm"] + crm, environment: ["CIB_file": theirs]).status == 0)
            #expect(try Tool.run([Tool.pacer, "resource"] + pacer, environment: ["CIB_file": ours]).status == 0)
            #expect(try canonicalCIB(ours) == canonicalCIB(theirs), "after \(pacer)")
        }
        #expect(try Tool.run([Tool.pacer, "resource", "refresh", "haproxyd"], environment: ["CIB_file": ours]).status == 0)
        let refreshed = try String(contentsOfFile: ours, encoding: .utf8)
        #expect(!refreshed.contains("lrm_resource id=\"haproxyd\"") && refreshed.contains("lrm_resource id=\"vIP_10\""))
        #expect(try Tool.run([Tool.pacer, "resource", "refresh"], environment: ["CIB_file": ours]).status == 0)
        #expect(!(try String(contentsOfFile: ours, encoding: .utf8)).contains("lrm_resource id="))
        let after = try Tool.run(["crm_simulate", "-x", ours, "-R"])
        #expect(after.stdout.contains("monitor") || after.stdout.contains("Transition Summary"), "the refreshed CIB still simulates")
    }

    @Test("configure erase leaves what crm configure erase leaves (the nodes)")
    func erase() throws {
        let dir = try TemporaryDirectory()
        let running = try runningPair(dir)
        let theirs = dir.file("crm.xml"), ours = dir.file("pacer.xml")
        try FileManager.default.copyItem(atPath: running, toPath: theirs)
        try FileManager.default.copyItem(atPath: running, toPath: ours)
        let crm = try Tool.run(["crm", "configure", "erase"], environment: ["CIB_file": theirs])
        #expect(crm.status == 0, "\(crm.stderr)")
        let pacer = try Tool.run([Tool.pacer, "configure", "erase"], environment: ["CIB_file": ours])
        #expect(pacer.status == 0, "\(pacer.stderr)")
        let (a, b) = (try canonicalCIB(ours), try canonicalCIB(theirs))
        let difference = a == b ? "" : try Tool.run(["bash", "-c", "diff <(echo \"$A\") <(echo \"$B\") | head -20"], environment: ["A": a, "B": b]).stdout
        #expect(a == b, "after erase: \(difference)")
        let extra = try Tool.run([Tool.pacer, "configure", "erase", "nodes"], environment: ["CIB_file": ours])
        #expect(extra.status == 64, "\(extra.stderr)")
    }

    @Test("move to the node it runs on, unknown resources and nodes are refused")
    func refusals() throws {
        let dir = try TemporaryDirectory()
        let running = try runningPair(dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: running))
        let same = try Tool.run([Tool.pacer, "resource", "move", "proxyGroup", "pm01"], environment: ["CIB_file": running])
        #expect(same.status == 1 && same.stderr.contains("already runs on pm01"))
        let unknown = try Tool.run([Tool.pacer, "resource", "stop", "nosuch"], environment: ["CIB_file": running])
        #expect(unknown.status == 105 && unknown.stderr.contains("'nosuch'"))
        let node = try Tool.run([Tool.pacer, "resource", "move", "proxyGroup", "pm09"], environment: ["CIB_file": running])
        #expect(node.status == 105 && node.stderr.contains("'pm09'"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: running)) == before)
    }

    @Test("failcount shows the recorded fail counts; cleanup clears them and the history")
    func failcountAndCleanup() throws {
        let dir = try TemporaryDirectory()
        let running = try runningPair(dir)
        let failed = dir.file("failed.xml")
        try #require(try Tool.run(["crm_simulate", "-x", running, "-S", "-O", failed, "-i", "haproxyd_monitor_5000@pm01=7"]).status == 0)
        let count = try Tool.run([Tool.pacer, "resource", "failcount", "haproxyd"], environment: ["CIB_file": failed])
        #expect(count.stdout.contains("node=pm01  name=fail-count-haproxyd value=1"), "\(count.stdout)")
        #expect(try Tool.run([Tool.pacer, "resource", "cleanup", "haproxyd"], environment: ["CIB_file": failed]).status == 0)
        let after = try String(contentsOfFile: failed, encoding: .utf8)
        #expect(!after.contains("fail-count-haproxyd"))
        #expect(!after.contains("lrm_resource id=\"haproxyd\""))
        let cleared = try Tool.run([Tool.pacer, "resource", "failcount", "haproxyd"], environment: ["CIB_file": failed])
        #expect(cleared.stdout.contains("value=0"))
    }
}

/// `pacer why`: the explanation names the parts that decide.
@Suite("why", .serialized)
struct WhyTests {
    @Test("a failed monitor with migration-threshold=1: the ban, the stickiness and the decision are explained")
    func explainsFailureAndStickiness() throws {
        let dir = try TemporaryDirectory()
        let running = try ResourceDifferentialTests().runningPair(dir)
        let failed = dir.file("failed.xml")
        try #require(try Tool.run(["crm_simulate", "-x", running, "-S", "-O", failed, "-i", "haproxyd_monitor_5000@pm01=7"]).status == 0)
        let why = try Tool.run([Tool.pacer, "why", "haproxyd"], environment: ["CIB_file": failed])
        #expect(why.status == 0, "\(why.stderr)")
        #expect(why.stdout.contains("now:      running on pm02"), "\(why.stdout)")
        #expect(why.stdout.contains("pm01: -INFINITY"))
        #expect(why.stdout.contains("fail count 1 reached migration-threshold 1 (pacer resource cleanup proxyGroup)"))
        #expect(why.stdout.contains("pm02: INFINITY"))
        #expect(why.stdout.contains("stickiness: it runs here (resource-stickiness from rsc_defaults)"))
    }

    @Test("a move against INFINITY stickiness is a tie (nothing moves); a ban moves the group")
    func explainsMoveAndBan() throws {
        let dir = try TemporaryDirectory()
        let running = try ResourceDifferentialTests().runningPair(dir)
        try Tool.run([Tool.pacer, "resource", "move", "proxyGroup", "pm02"], environment: ["CIB_file": running])
        let tie = try Tool.run([Tool.pacer, "why", "ckVIP"], environment: ["CIB_file": running])
        #expect(tie.stdout.contains("move constraint (pacer resource clear proxyGroup) on proxyGroup"), "\(tie.stdout)")
        #expect(tie.stdout.contains("decision: stays where it is"), "crm_simulate agrees nothing moves: \(tie.stdout)")
        try Tool.run([Tool.pacer, "resource", "ban", "proxyGroup", "pm01"], environment: ["CIB_file": running])
        let why = try Tool.run([Tool.pacer, "why", "ckVIP"], environment: ["CIB_file": running])
        #expect(why.stdout.contains("-INFINITY  ban constraint (pacer resource clear proxyGroup) on proxyGroup"), "\(why.stdout)")
        #expect(why.stdout.contains("decision: Move"), "\(why.stdout)")
        let missing = try Tool.run([Tool.pacer, "why", "nosuch"], environment: ["CIB_file": running])
        #expect(missing.status == 105)
    }
}
