// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing

@Suite("verify, show xml, node standby", .serialized)
struct VerifyAndNodeTests {
    @Test("verify names the constraint, the missing resource and the line; exit 78")
    func verifyDanglingReference() throws {
        let dir = try TemporaryDirectory()
        let cib = dir.file("cib.xml")
        try Shell.run([Shell.pacer, "cib", "new", cib])
        // crm_verify refuses a CIB that fences without a fencing device: this test is about references.
        try Shell.run([Shell.pacer, "configure", "property", "stonith-enabled=false"], environment: ["CIB_file": cib])
        try Shell.run([Shell.pacer, "configure", "primitive", "a", "Dummy"], environment: ["CIB_file": cib])
        try Shell.run([Shell.pacer, "configure", "primitive", "b", "Dummy"], environment: ["CIB_file": cib])
        try Shell.run([Shell.pacer, "configure", "colocation", "c1", "inf:", "a", "b"], environment: ["CIB_file": cib])
        #expect(try Shell.run([Shell.pacer, "configure", "verify"], environment: ["CIB_file": cib]).status == 0)
        // Break the reference behind Pacer's back, as a hand edit would.
        let text = try dir.read("cib.xml").replacingOccurrences(of: "with-rsc=\"b\"", with: "with-rsc=\"ghost\"")
        _ = try dir.write("cib.xml", text)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("ghost") }! + 1
        let result = try Shell.run([Shell.pacer, "configure", "verify"], environment: ["CIB_file": cib])
        #expect(result.status == 78)
        #expect(result.stderr.contains("line \(line): colocation 'c1' refers to unknown resource 'ghost'"), "\(result.stderr)")
    }

    @Test("verify reports schema violations from Pacemaker's RelaxNG schema")
    func verifySchema() throws {
        let dir = try TemporaryDirectory()
        let cib = dir.file("cib.xml")
        try Shell.run([Shell.pacer, "cib", "new", cib])
        _ = try dir.write("cib.xml", try dir.read("cib.xml").replacingOccurrences(of: "<resources/>", with: "<resources><primitive id=\"x\"/></resources>"))
        let result = try Shell.run([Shell.pacer, "configure", "verify"], environment: ["CIB_file": cib])
        #expect(result.status == 78)
        #expect(result.stderr.contains("primitive"), "\(result.stderr)")
        let xmllint = try Shell.run(["xmllint", "--noout", "--relaxng", "/usr/share/pacemaker/pacemaker-3.9.rng", cib])
        #expect(xmllint.status != 0, "the oracle agrees the file is invalid")
    }

    @Test("show xml prints the configuration without status")
    func showXML() throws {
        let cib = Shell.repositoryRoot.appendingPathComponent("cib-examples/proxy-pair.xml").path
        let result = try Shell.run([Shell.pacer, "configure", "show", "xml"], environment: ["CIB_file": cib])
        #expect(result.status == 0)
        #expect(result.stdout.contains("<group id=\"proxyGroup\">") && !result.stdout.contains("<status"))
        let one = try Shell.run([Shell.pacer, "configure", "show", "xml", "vIP_10"], environment: ["CIB_file": cib])
        #expect(one.stdout.hasPrefix("<primitive id=\"vIP_10\""))
    }

    @Test("node standby is what crm_mon shows as standby; online reverses it")
    func standbyAsPacemakerSeesIt() throws {
        let dir = try TemporaryDirectory()
        let cib = dir.file("cib.xml")
        try Shell.run([Shell.pacer, "cib", "new", cib])
        try Shell.run([Shell.pacer, "configure", "-f", Shell.repositoryRoot.appendingPathComponent("cib-examples/proxy-pair.crm").path], environment: ["CIB_file": cib])
        for node in ["pm01", "pm02"] { try Shell.run([Shell.pacer, "configure", "node", node], environment: ["CIB_file": cib]) }
        let live = dir.file("live.xml")
        #expect(try Shell.run(["crm_simulate", "-x", cib, "-S", "-O", live, "--node-up", "pm01", "--node-up", "pm02"]).status == 0)
        let standby = try Shell.run([Shell.pacer, "node", "standby", "pm01"], environment: ["CIB_file": live])
        #expect(standby.status == 0, "\(standby.stderr)")
        #expect(try Shell.run(["crm_mon", "-1"], environment: ["CIB_file": live]).stdout.contains("Node pm01: standby"))
        try Shell.run([Shell.pacer, "node", "online", "pm01"], environment: ["CIB_file": live])
        #expect(try !Shell.run(["crm_mon", "-1"], environment: ["CIB_file": live]).stdout.contains("standby"))
        let unknown = try Shell.run([Shell.pacer, "node", "standby", "pm09"], environment: ["CIB_file": live])
        #expect(unknown.status == 105 && unknown.stderr.contains("pm09"))
    }
}
