// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

@Suite("verify, show xml, node standby", .serialized)
struct VerifyAndNodeTests {
    @Test("verify names the constraint, the missing resource and the line; exit 78")
    func verifyDanglingReference() throws {
        let dir = try TemporaryDirectory()
        let cib = dir.file("cib.xml")
        try Tool.run([Tool.pacer, "cib", "new", cib])
        // crm_verify refuses a CIB that fences without a fencing device: this test is about references.
        try Tool.run([Tool.pacer, "configure", "property", "stonith-enabled=false"], environment: ["CIB_file": cib])
        try Tool.run([Tool.pacer, "configure", "primitive", "a", "Dummy"], environment: ["CIB_file": cib])
        try Tool.run([Tool.pacer, "configure", "primitive", "b", "Dummy"], environment: ["CIB_file": cib])
        try Tool.run([Tool.pacer, "configure", "colocation", "c1", "inf:", "a", "b"], environment: ["CIB_file": cib])
        #expect(try Tool.run([Tool.pacer, "configure", "verify"], environment: ["CIB_file": cib]).status == 0)
        // Break the reference behind Pacer's back, as a hand edit would.
        let text = try dir.read("cib.xml").replacingOccurrences(of: "with-rsc=\"b\"", with: "with-rsc=\"ghost\"")
        _ = try dir.write("cib.xml", text)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("ghost") }! + 1
        let result = try Tool.run([Tool.pacer, "configure", "verify"], environment: ["CIB_file": cib])
        #expect(result.status == 78)
        #expect(result.stderr.contains("line \(line): colocation 'c1' refers to unknown resource 'ghost'"), "\(result.stderr)")
    }

    @Test("verify reports schema violations from Pacemaker's RelaxNG schema")
    func verifySchema() throws {
        let dir = try TemporaryDirectory()
        let cib = dir.file("cib.xml")
        try Tool.run([Tool.pacer, "cib", "new", cib])
        _ = try dir.write("cib.xml", try dir.read("cib.xml").replacingOccurrences(of: "<resources/>", with: "<resources><primitive id=\"x\"/></resources>"))
        let result = try Tool.run([Tool.pacer, "configure", "verify"], environment: ["CIB_file": cib])
        #expect(result.status == 78)
        #expect(result.stderr.contains("primitive"), "\(result.stderr)")
        let xmllint = try Tool.run(["xmllint", "--noout", "--relaxng", "/usr/share/pacemaker/pacemaker-3.9.rng", cib])
        #expect(xmllint.status != 0, "the oracle agrees the file is invalid")
    }

    @Test("verify reports crm_verify's errors for fencing without a fencing device; exit 78 as crm_verify")
    func verifyLikeCrmVerify() throws {
        let dir = try TemporaryDirectory()
        let cib = dir.file("cib.xml")
        try Tool.run([Tool.pacer, "cib", "new", cib])
        try Tool.run([Tool.pacer, "configure", "primitive", "d", "Dummy"], environment: ["CIB_file": cib])
        let oracle = try Tool.run(["crm_verify", "-x", cib, "-V"])
        let errors = oracle.stderr.split(separator: "\n").compactMap { line in
            line.range(of: "error: ").map { String(line[$0.upperBound...]) }
        }
        #expect(errors.count == 3, "crm_verify said: \(oracle.stderr)")
        let ours = try Tool.run([Tool.pacer, "configure", "verify"], environment: ["CIB_file": cib])
        #expect(ours.status == oracle.status && ours.status == 78)
        for error in errors { #expect(ours.stderr.contains("pacer: error: \(error)"), "missing '\(error)' in \(ours.stderr)") }
        // With fencing off both are content.
        try Tool.run([Tool.pacer, "configure", "property", "stonith-enabled=false"], environment: ["CIB_file": cib])
        #expect(try Tool.run(["crm_verify", "-x", cib]).status == 0)
        #expect(try Tool.run([Tool.pacer, "configure", "verify"], environment: ["CIB_file": cib]).status == 0)
    }

    @Test("primitive and verify warn about an agent that is not installed, verify about an alert path that cannot run (warnings: exit 0)")
    func verifyAgentsAndAlerts() throws {
        let dir = try TemporaryDirectory()
        let cib = dir.file("cib.xml")
        try Tool.run([Tool.pacer, "cib", "new", cib])
        let env = ["CIB_file": cib]
        let script = try dir.write("alert.sh", "#!/bin/sh\n")   // written 0644: not executable
        for line in ["property stonith-enabled=false", "primitive x ocf:heartbeat:Dumy", "primitive y lsb:no-such-script",
                     "primitive z systemd:no-such-unit", "alert a1 /bin/true", "alert a2 /no/such/alert.sh", "alert a3 \(script)"] {
            let result = try Tool.sh("\"$PACER\" configure \(line)", environment: env.merging(["PACER": Tool.pacer]) { $1 })
            #expect(result.status == 0, "\(line): \(result.stderr)")
            if line.contains("Dumy") {   // crmsh refuses it; Pacer writes it and says so
                #expect(result.stderr == "WARNING: primitive 'x': resource agent ocf:heartbeat:Dumy is not installed; did you mean 'Dummy'?\n")
            }
        }
        let result = try Tool.run([Tool.pacer, "configure", "verify"], environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("pacer: warning: primitive 'x': resource agent ocf:heartbeat:Dumy is not installed; did you mean 'Dummy'?"), "\(result.stderr)")
        #expect(result.stderr.contains("primitive 'y': resource agent lsb:no-such-script is not installed"))
        #expect(!result.stderr.contains("no-such-unit"), "systemd units are not looked up")
        #expect(result.stderr.contains("alert 'a2': path /no/such/alert.sh cannot run: it does not exist"))
        #expect(result.stderr.contains("alert 'a3': path \(script) cannot run: it is not executable"))
        #expect(!result.stderr.contains("'a1'"))
        // OCF_ROOT moves the lookup, as for Pacemaker's executor.
        let moved = try Tool.run([Tool.pacer, "configure", "verify"], environment: env.merging(["OCF_ROOT": dir.path]) { $1 })
        #expect(moved.stderr.contains("ocf:heartbeat:Dumy is not installed") && !moved.stderr.contains("did you mean"))
    }

    @Test("show xml prints the configuration without status")
    func showXML() throws {
        let cib = Tool.packageRoot.appendingPathComponent("cib-examples/proxy-pair.xml").path
        let result = try Tool.run([Tool.pacer, "configure", "show", "xml"], environment: ["CIB_file": cib])
        #expect(result.status == 0)
        #expect(result.stdout.contains("<group id=\"proxyGroup\">") && !result.stdout.contains("<status"))
        let one = try Tool.run([Tool.pacer, "configure", "show", "xml", "vIP_10"], environment: ["CIB_file": cib])
        #expect(one.stdout.hasPrefix("<primitive id=\"vIP_10\""))
    }

    @Test("node standby is what crm_mon shows as standby; online reverses it")
    func standbyAsPacemakerSeesIt() throws {
        let dir = try TemporaryDirectory()
        let cib = dir.file("cib.xml")
        try Tool.run([Tool.pacer, "cib", "new", cib])
        try Tool.run([Tool.pacer, "configure", "-f", Tool.packageRoot.appendingPathComponent("cib-examples/proxy-pair.crm").path], environment: ["CIB_file": cib])
        for node in ["pm01", "pm02"] { try Tool.run([Tool.pacer, "configure", "node", node], environment: ["CIB_file": cib]) }
        let live = dir.file("live.xml")
        #expect(try Tool.run(["crm_simulate", "-x", cib, "-S", "-O", live, "--node-up", "pm01", "--node-up", "pm02"]).status == 0)
        let standby = try Tool.run([Tool.pacer, "node", "standby", "pm01"], environment: ["CIB_file": live])
        #expect(standby.status == 0, "\(standby.stderr)")
        #expect(try Tool.run(["crm_mon", "-1"], environment: ["CIB_file": live]).stdout.contains("Node pm01: standby"))
        try Tool.run([Tool.pacer, "node", "online", "pm01"], environment: ["CIB_file": live])
        #expect(try !Tool.run(["crm_mon", "-1"], environment: ["CIB_file": live]).stdout.contains("standby"))
        let unknown = try Tool.run([Tool.pacer, "node", "standby", "pm09"], environment: ["CIB_file": live])
        #expect(unknown.status == 105 && unknown.stderr.contains("pm09"))
    }
}
