// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// `configure show` fed back with `configure load update` on a CIB with a status section (a
/// running cluster's, where each `node_state` has its node's id), against crmsh 4.4.1.
@Suite("configure load update of show on a CIB with status", .serialized)
struct LoadWithStatusTests {
    @Test("show | load update is accepted and writes what crm configure load update writes (status ids are not configuration ids)")
    func showThenLoad() throws {
        let dir = try TemporaryDirectory()
        let base = dir.file("base.xml")
        try Tool.run([Tool.pacer, "cib", "new", base])
        for line in [["node", "pm01"], ["node", "pm02"], ["property", "stonith-enabled=false", "no-quorum-policy=ignore"],
                     ["primitive", "d1", "ocf:heartbeat:Dummy", "op", "monitor", "interval=10s"]] {
            try #require(try Tool.run([Tool.pacer, "configure"] + line, environment: ["CIB_file": base]).status == 0)
        }
        let running = dir.file("running.xml")
        try #require(try Tool.run(["crm_simulate", "-x", base, "-S", "-O", running, "--node-up", "pm01", "--node-up", "pm02"]).status == 0)
        try #require(try String(contentsOfFile: running, encoding: .utf8).contains("<node_state id=\"pm01\""))
        let text = try Tool.run([Tool.pacer, "configure", "show"], environment: ["CIB_file": running]).stdout
        let script = try dir.write("show.crm", text.replacingOccurrences(of: "primitive d1 Dummy", with: "primitive d1 Dummy \\\n\tmeta target-role=Stopped"))
        let theirs = dir.file("crm.xml"), ours = dir.file("pacer.xml")
        try FileManager.default.copyItem(atPath: running, toPath: theirs)
        try FileManager.default.copyItem(atPath: running, toPath: ours)
        let crm = try Tool.run([try Tool.which("timeout"), "30", "crm", "configure", "load", "update", script], environment: ["CIB_file": theirs])
        #expect(crm.status == 0, "\(crm.stderr)")
        let pacer = try Tool.run([Tool.pacer, "configure", "load", "update", script], environment: ["CIB_file": ours])
        #expect(pacer.status == 0, "\(pacer.stderr)")
        #expect(try canonicalCIB(ours) == canonicalCIB(theirs))
        #expect(try String(contentsOfFile: ours, encoding: .utf8).contains("target-role"))
    }
}
