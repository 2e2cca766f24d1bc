// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// `pacer node clearstate NODE` against crmsh 4.4.1's `crm node clearstate NODE`. On a CIB file
/// crmsh cannot finish the job itself: for a node that is down it runs `stonith_admin --confirm
/// NODE` (the fencer then has the controller record the node as fenced) and for an online node
/// `crm_resource --cleanup --node NODE` (which only dry-runs, and crashes, on a CIB file). So the
/// tests check crmsh's decision with those two programs replaced by recorders, and the XML of a
/// confirmed fencing against crm_simulate's, which records a fencing as the controller does
/// ("Simulate controller clearing node's resource history and attributes", pcmk_simulate.c).
@Suite("node clearstate: what crm node clearstate decides, the state a confirmed fencing leaves", .serialized)
struct NodeClearStateTests {
    /// The running pair with a fencing device and stonith-enabled=true, pm01 then lost as
    /// Pacemaker's controller records a lost peer (not in the membership, controller offline,
    /// still expected up): the scheduler wants it fenced.
    func lostPair(_ dir: TemporaryDirectory) throws -> String {
        let running = try ResourceDifferentialTests().runningPair(dir)
        try #require(try Tool.run([Tool.pacer, "configure", "property", "stonith-enabled=true"], environment: ["CIB_file": running]).status == 0)
        try #require(try Tool.run(["cibadmin", "-C", "-o", "resources", "-X", "<primitive id=\"fence1\" class=\"stonith\" type=\"fence_dummy\"/>"],
                                  environment: ["CIB_file": running]).status == 0)
        let fencing = dir.file("fencing.xml"), failed = dir.file("failed.xml")
        try #require(try Tool.run(["crm_simulate", "-x", running, "-S", "-O", fencing]).status == 0)
        try #require(try Tool.run(["crm_simulate", "-x", fencing, "-O", failed, "--node-fail", "pm01"]).status == 0)
        let text = try String(contentsOfFile: failed, encoding: .utf8)
        let lost = text.replacingOccurrences(of: "<node_state id=\"pm01\" uname=\"pm01\" in_ccm=\"false\" crmd=\"online\" join=\"member\"",
                                             with: "<node_state id=\"pm01\" uname=\"pm01\" in_ccm=\"false\" crmd=\"offline\" join=\"down\"")
        try #require(lost != text, "crm_simulate --node-fail wrote another node_state")
        return try dir.write("lost.xml", lost)
    }

    /// `node_state` of `node` in canonical form without `crm-debug-origin` (who wrote it).
    func nodeState(_ path: String, _ node: String) throws -> String {
        let result = try Tool.run(["xmllint", "--xpath", "//node_state[@uname='\(node)']", path])
        return result.stdout.replacingOccurrences(of: " crm-debug-origin=\"[^\"]*\"", with: "", options: .regularExpression)
    }

    /// A directory holding `name`, a script that appends its arguments to `log`.
    func recorder(_ dir: TemporaryDirectory, _ name: String, log: String) throws -> String {
        let bin = dir.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let script = try dir.write("bin/\(name)", "#!/bin/sh\necho \"$*\" >> '\(log)'\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        return bin
    }

    func crmClearstate(_ node: String, on path: String, path bin: String) throws -> ToolResult {
        try Tool.run([try Tool.which("timeout"), "30", "crm", "--force", "node", "clearstate", node],
                     environment: ["CIB_file": path, "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
    }

    @Test("a lost node: crmsh confirms its fencing; pacer leaves crm_simulate's fenced node_state, and both schedulers then recover without fencing")
    func lostNode() throws {
        let dir = try TemporaryDirectory()
        let lost = try lostPair(dir)
        let before = try Tool.run(["crm_simulate", "-x", lost, "-R"])
        #expect(before.stdout.contains("Fence (reboot) pm01"), "\(before.stdout)")
        #expect(try Tool.run([Tool.pacer, "simulate", "-x", lost, "-R"]).stdout == before.stdout)
        // crmsh decides to confirm the fencing of pm01 and writes nothing itself.
        let theirs = dir.file("crm.xml")
        try FileManager.default.copyItem(atPath: lost, toPath: theirs)
        let log = dir.file("stonith_admin.log")
        let crm = try crmClearstate("pm01", on: theirs, path: try recorder(dir, "stonith_admin", log: log))
        #expect(crm.status == 0, "\(crm.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "--confirm pm01\n")
        // What the controller records for a confirmed fencing, as crm_simulate simulates it.
        let fenced = dir.file("fenced.xml")
        try #require(try Tool.run(["crm_simulate", "-x", lost, "-S", "-O", fenced]).status == 0)
        let ours = dir.file("pacer.xml")
        try FileManager.default.copyItem(atPath: lost, toPath: ours)
        let pacer = try Tool.run([Tool.pacer, "node", "clearstate", "pm01", "--force"], environment: ["CIB_file": ours])
        #expect(pacer.status == 0, "\(pacer.stderr)")
        #expect(try nodeState(ours, "pm01") == nodeState(fenced, "pm01"))
        #expect(try nodeState(ours, "pm01").contains("expected=\"down\""))
        #expect(try nodeState(ours, "pm02") == nodeState(lost, "pm02"), "pm02 untouched")
        let after = try Tool.run(["crm_simulate", "-x", ours, "-R"])
        #expect(!after.stdout.contains("Fence") && after.stdout.contains("Start      haproxyd   (  pm02 )"), "\(after.stdout)")
        #expect(try Tool.run([Tool.pacer, "simulate", "-x", ours, "-R"]).stdout == after.stdout)
    }

    @Test("an online node: crmsh runs crm_resource --cleanup --node; pacer cleans up that node's failed resources only")
    func onlineNode() throws {
        let dir = try TemporaryDirectory()
        let running = try ResourceDifferentialTests().runningPair(dir)
        let failed = dir.file("failed.xml")
        try #require(try Tool.run(["crm_simulate", "-x", running, "-S", "-O", failed, "-i", "haproxyd_monitor_5000@pm01=7"]).status == 0)
        let theirs = dir.file("crm.xml")
        try FileManager.default.copyItem(atPath: failed, toPath: theirs)
        let log = dir.file("crm_resource.log")
        let crm = try crmClearstate("pm01", on: theirs, path: try recorder(dir, "crm_resource", log: log))
        #expect(crm.status == 0, "\(crm.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "--cleanup --node pm01\n")
        let pacer = try Tool.run([Tool.pacer, "node", "clearstate", "pm01", "--force"], environment: ["CIB_file": failed])
        #expect(pacer.status == 0 && pacer.stdout.contains("cleaned up haproxyd"), "\(pacer.stdout) \(pacer.stderr)")
        let after = try nodeState(failed, "pm01")
        #expect(!after.contains("fail-count-haproxyd") && !after.contains("lrm_resource id=\"haproxyd\""), "\(after)")
        #expect(after.contains("lrm_resource id=\"vIP_10\""), "a resource without failures keeps its history")
        #expect(try nodeState(failed, "pm01").contains("crmd=\"online\""))
    }

    @Test("offline by its controller but still a member: refused, as crmsh refuses; an unknown node: 105; unconfirmed off a terminal: refused; nothing changes")
    func refusals() throws {
        let dir = try TemporaryDirectory()
        let lost = try lostPair(dir)
        let text = try String(contentsOfFile: lost, encoding: .utf8)
        let member = try dir.write("member.xml", text.replacingOccurrences(of: "uname=\"pm01\" in_ccm=\"false\"", with: "uname=\"pm01\" in_ccm=\"true\""))
        let before = try Data(contentsOf: URL(fileURLWithPath: member))
        let log = dir.file("stonith_admin.log")
        let crm = try crmClearstate("pm01", on: member, path: try recorder(dir, "stonith_admin", log: log))
        #expect(crm.status != 0 && (crm.stdout + crm.stderr).contains("First shut down node"), "\(crm.stdout) \(crm.stderr)")
        #expect(!FileManager.default.fileExists(atPath: log))
        for (node, code, names) in [("pm01", Int32(1), "still a cluster member"), ("pm09", 105, "'pm09'")] {
            let result = try Tool.run([Tool.pacer, "node", "clearstate", node, "--force"], environment: ["CIB_file": member])
            #expect(result.status == code && result.stderr.contains(names) && result.stderr.split(separator: "\n").count == 1,
                    "\(node): \(result.status) \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: member)) == before, "a refused clearstate changed the CIB")
        // Not on a terminal and without --force: crmsh's ask() says no (silently); pacer says how to proceed.
        let lostBefore = try Data(contentsOf: URL(fileURLWithPath: lost))
        let unconfirmed = try Tool.run([Tool.pacer, "node", "clearstate", "pm01"], environment: ["CIB_file": lost], stdin: "y\n")
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("--force") && unconfirmed.stderr.split(separator: "\n").count == 1,
                "\(unconfirmed.stderr)")
        let crmUnforced = try Tool.run([try Tool.which("timeout"), "30", "crm", "node", "clearstate", "pm01"], environment: ["CIB_file": lost], stdin: "y\n")
        #expect(crmUnforced.status != 0, "crmsh without --force off a terminal: \(crmUnforced.stdout) \(crmUnforced.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: lost)) == lostBefore)
    }
}
