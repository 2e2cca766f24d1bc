// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerModel
import PacerXML
import Testing
import PacerTestKit

/// CIBs written by Pacemaker's tools survive a read/write through Pacer unchanged.
@Suite("CIB round trip", .serialized)
struct RoundTripTests {
    /// The scheduler corpus's cases in the repository (`Tests/Fixtures/scheduler-corpus/cases`).
    static var corpus: URL { Tool.packageRoot.appendingPathComponent("Tests/Fixtures/scheduler-corpus/cases") }

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted()
    }

    /// Reads `path` with Pacer's codec and writes it back to `output`.
    func roundTrip(_ path: String, to output: String) throws {
        let root = try XMLParser.parse(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        try root.serialized().write(toFile: output, atomically: true, encoding: .utf8)
    }

    @Test("crm_simulate -S -O output (with status) round-trips to the same canonical XML")
    func crmSimulateOutput() throws {
        #expect(Self.cases.count >= 100, "scheduler corpus not found at \(Self.corpus.path)")
        let dir = try TemporaryDirectory()
        for name in Self.cases {
            let simulated = dir.file("sim-\(name)"), ours = dir.file("ours-\(name)")
            let run = try Tool.run(["crm_simulate", "-x", Self.corpus.appendingPathComponent(name).path, "-S", "-O", simulated])
            #expect(run.status == 0, "crm_simulate failed on \(name)")
            try roundTrip(simulated, to: ours)
            let expected = try Tool.run(["xmllint", "--c14n", simulated]).stdout
            let actual = try Tool.run(["xmllint", "--c14n", ours]).stdout
            #expect(actual == expected, "\(name): round trip changed the XML")
            // Pacemaker's own layout is reproduced byte for byte too.
            #expect(try String(contentsOfFile: ours, encoding: .utf8) == String(contentsOfFile: simulated, encoding: .utf8),
                    "\(name): layout differs from crm_simulate's")
        }
    }

    @Test("a CIB written by crmsh round-trips byte for byte")
    func crmshOutput() throws {
        let dir = try TemporaryDirectory()
        let cib = try dir.write("cib.xml", try Tool.run(["cibadmin", "--empty"]).stdout)
        for script in ConfigureDifferentialTests.scripts {
            try Tool.run(["crm", "-F", "-f", script], environment: ["CIB_file": cib])
        }
        try roundTrip(cib, to: dir.file("ours.xml"))
        #expect(try dir.read("ours.xml") == dir.read("cib.xml"))
    }

    @Test("comments, text and unknown elements survive")
    func unknownContent() throws {
        let text = """
        <cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9" x-vendor="kept">
          <configuration>
            <crm_config/>
            <nodes/>
            <resources>
              <!-- a comment -->
              <clone id="c"><meta_attributes id="c-m"/><primitive id="p" class="ocf" provider="pacemaker" type="Dummy"/></clone>
            </resources>
            <constraints/>
            <acls><acl_target id="alice"><role id="r"/></acl_target></acls>
            <alerts><alert id="a" path="/bin/true"><select/></alert></alerts>
          </configuration>
          <status/>
        </cib>
        """
        let root = try XMLParser.parse(text)
        let again = try XMLParser.parse(root.serialized())
        #expect(again == root)
        #expect(root.serialized().contains("<!-- a comment -->"))
        #expect(root["x-vendor"] == "kept")
        #expect(root.serialized().contains("<acl_target id=\"alice\">"))
    }
}
