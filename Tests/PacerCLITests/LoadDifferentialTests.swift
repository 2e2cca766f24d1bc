// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// `pacer configure load update|replace FILE` against crmsh 4.4.1's `crm configure load` on
/// copies of the same CIB: the same XML, ids included; bad input changes nothing.
@Suite("configure load: what crm configure load writes")
struct LoadDifferentialTests {
    func pair(_ dir: TemporaryDirectory) throws -> String { try configuredProxyPair(dir) }

    func same(_ mode: String, _ text: String) throws {
        let dir = try TemporaryDirectory()
        let base = try pair(dir)
        let theirs = dir.file("crm.xml"), ours = dir.file("pacer.xml"), file = dir.file("load.crm")
        try FileManager.default.copyItem(atPath: base, toPath: theirs)
        try FileManager.default.copyItem(atPath: base, toPath: ours)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let crm = try Tool.run(["crm", "configure", "load", mode, file], environment: ["CIB_file": theirs])
        #expect(crm.status == 0, "crm configure load \(mode): \(crm.stderr)")
        let pacer = try Tool.run([Tool.pacer, "configure", "load", mode, file], environment: ["CIB_file": ours])
        #expect(pacer.status == 0, "pacer configure load \(mode): \(pacer.stderr)")
        let (a, b) = (try canonicalCIB(ours), try canonicalCIB(theirs))
        let difference = a == b ? "" : try Tool.run(["bash", "-c", "diff <(echo \"$A\") <(echo \"$B\") | head -30"], environment: ["A": a, "B": b]).stdout
        #expect(a == b, "load \(mode):\n\(difference)")
    }

    @Test("load update: a changed primitive in a group, a new primitive and constraint, a merged property")
    func update() throws {
        try same("update", """
        primitive vIP_10 IPaddr2 params ip=192.168.10.81 nic=eth1 cidr_netmask=24 op monitor interval=10s
        primitive d9 ocf:heartbeat:Dummy op monitor interval=30s
        location d9-prefers d9 50: pm01
        property cluster-recheck-interval=5min
        """)
    }

    @Test("load replace: what the file defines is the whole configuration")
    func replace() throws {
        try same("replace", """
        property stonith-enabled=false
        primitive d1 ocf:heartbeat:Dummy op monitor interval=10s
        primitive d2 ocf:heartbeat:Dummy
        group g1 d1 d2 meta target-role=Stopped
        colocation c1 inf: d2 d1
        """)
    }

    @Test("a file that does not parse, or refers to nothing, or holds a command, changes nothing and names its line")
    func badInput() throws {
        let dir = try TemporaryDirectory()
        let ours = try pair(dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: ours))
        for (text, line, words) in [("primitive d9 ocf:heartbeat:Dummy\nprimitive d10 ocf:heartbeat:Dummy op monitor interval=\n", 2, "interval"),
                                    ("primitive d9 ocf:heartbeat:Dummy\n\ngroup g9 d9 nosuch\n", 3, "nosuch"),
                                    ("delete haproxyd\n", 1, "cannot be loaded")] {
            let file = dir.file("bad.crm")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            for mode in ["update", "replace"] {
                let result = try Tool.run([Tool.pacer, "configure", "load", mode, file], environment: ["CIB_file": ours])
                #expect(result.status != 0 && result.stderr.contains("\(file):\(line): ") && result.stderr.contains(words)
                        && result.stderr.contains("nothing was changed"), "\(mode) \(text): \(result.stderr)")
            }
        }
        let usage = try Tool.run([Tool.pacer, "configure", "load", "merge", dir.file("bad.crm")], environment: ["CIB_file": ours])
        #expect(usage.status == 64 && usage.stderr.contains("replace|update"), "\(usage.stderr)")
        let missing = try Tool.run([Tool.pacer, "configure", "load", "update", dir.file("none.crm")], environment: ["CIB_file": ours])
        #expect(missing.status == 66, "\(missing.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: ours)) == before, "a refused load changed the CIB")
    }

    @Test("show, then load replace of what show printed, leaves the configuration as it was")
    func showReplaceRoundTrip() throws {
        let dir = try TemporaryDirectory()
        let ours = try pair(dir)
        let shown = try Tool.run([Tool.pacer, "configure", "show"], environment: ["CIB_file": ours])
        try shown.stdout.write(toFile: dir.file("shown.crm"), atomically: true, encoding: .utf8)
        let before = try canonicalCIB(ours)
        let load = try Tool.run([Tool.pacer, "configure", "load", "replace", dir.file("shown.crm")], environment: ["CIB_file": ours])
        #expect(load.status == 0, "\(load.stderr)")
        #expect(try canonicalCIB(ours) == before)
    }
}
