// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// Bad input: one clear line on stderr, Pacemaker's exit status, and the CIB untouched.
@Suite("configure: bad input", .serialized)
struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var words: [String]
        var status: Int32
        /// Text the one-line error must contain (the offending token).
        var mentions: String
        var testDescription: String { words.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(words: ["frobnicate", "x"], status: 64, mentions: "'frobnicate'"),
        Case(words: ["primitive", "p2", "Dummy", "parms", "x=1"], status: 64, mentions: "'parms'"),
        Case(words: ["primitive", "p2"], status: 64, mentions: "missing resource agent"),
        Case(words: ["primitive", "p2", "Dummy", "op"], status: 64, mentions: "missing operation name"),
        Case(words: ["location", "l1", "p", "abc:", "n1"], status: 65, mentions: "'abc'"),
        Case(words: ["location", "l1", "p", "100", "n1"], status: 64, mentions: "'100'"),
        Case(words: ["colocation", "c1", "inf", "p", "q"], status: 64, mentions: "'inf'"),
        Case(words: ["order", "o1", "bogus:", "p", "q"], status: 65, mentions: "'bogus'"),
        Case(words: ["primitive", "p", "Dummy"], status: 1, mentions: "'p'"),
        Case(words: ["primitive", "p2", "foo:Dummy"], status: 65, mentions: "'foo'"),
        Case(words: ["primitive", "p2", "Dummy", "op", "monitor", "interval=abc"], status: 65, mentions: "'abc'"),
        Case(words: ["group", "g", "p", "nosuch"], status: 105, mentions: "'nosuch'"),
        Case(words: ["colocation", "c1", "inf:", "p", "nosuch"], status: 105, mentions: "'nosuch'"),
        Case(words: ["delete", "nosuch"], status: 105, mentions: "nosuch"),
        Case(words: ["property"], status: 64, mentions: "name=value"),
        Case(words: ["primitive", "9bad", "Dummy"], status: 65, mentions: "'9bad'"),
        Case(words: ["primitive", "p2", "@nosuch"], status: 105, mentions: "'nosuch'"),
        Case(words: ["primitive", "p2", "@"], status: 64, mentions: "'@'"),
        Case(words: ["rsc_template", "t", "@p"], status: 64, mentions: "'@p'"),
        Case(words: ["primitive", "p2", "Dummy", "op", "monitor", "interval=10s", "metta", "x=1"], status: 64, mentions: "'metta'"),
        Case(words: ["ms", "m", "nosuch"], status: 105, mentions: "'nosuch'"),
        Case(words: ["tag", "t"], status: 64, mentions: "missing at least one object to tag"),
        Case(words: ["tag", "p", "q"], status: 1, mentions: "'p'"),
        Case(words: ["alert", "a"], status: 64, mentions: "missing the alert agent's path"),
        Case(words: ["alert", "a", "/bin/true", "too", "/x"], status: 64, mentions: "'too'"),
        Case(words: ["alert", "a", "/bin/true", "select", "nodez"], status: 64, mentions: "'nodez'"),
        Case(words: ["alert", "a", "/bin/true", "select", "attributes", "{", "x"], status: 64, mentions: "'}'"),
        Case(words: ["alert", "a", "/bin/true", "to", "{", "/x", "meta", "timeout=1s"], status: 64, mentions: "'}'"),
        Case(words: ["alert", "a", "/bin/true", "meta"], status: 64, mentions: "after 'meta'"),
        Case(words: ["rsc_ticket", "t1", "tk", "p"], status: 64, mentions: "'tk'"),
        Case(words: ["rsc_ticket", "t1", "tk:", "p", "loss-policy=never"], status: 65, mentions: "'never'"),
        Case(words: ["rsc_ticket", "t1", "tk:", "nosuch"], status: 105, mentions: "'nosuch'"),
        Case(words: ["rsc_ticket", "t1", "tk:", "p:Sleeping"], status: 65, mentions: "'Sleeping'"),
        Case(words: ["fencing_topology"], status: 64, mentions: "missing the fencing devices"),
        Case(words: ["fencing_topology", "f1"], status: 105, mentions: "defines no nodes"),
        Case(words: ["role", "r1", "read"], status: 64, mentions: "missing what 'read' applies to"),
        Case(words: ["role", "r1", "grant", "xpath:/cib"], status: 64, mentions: "'grant'"),
        Case(words: ["role", "r1", "read", "attr:uname"], status: 65, mentions: "type:"),
        Case(words: ["role", "r1", "read", "meta"], status: 64, mentions: "'meta'"),
        Case(words: ["acl_target", "alice", "nosuchrole"], status: 105, mentions: "'nosuchrole'"),
    ]

    func seededCIB(_ dir: TemporaryDirectory) throws -> String {
        let cib = dir.file("cib.xml")
        try Tool.run([Tool.pacer, "cib", "new", cib])
        try Tool.run([Tool.pacer, "configure", "primitive", "p", "Dummy"], environment: ["CIB_file": cib])
        try Tool.run([Tool.pacer, "configure", "primitive", "q", "Dummy"], environment: ["CIB_file": cib])
        return cib
    }

    @Test("refused with a one-line error naming the token", arguments: cases)
    func refused(_ input: Case) throws {
        let dir = try TemporaryDirectory()
        let cib = try seededCIB(dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: cib))
        let result = try Tool.run([Tool.pacer, "configure"] + input.words, environment: ["CIB_file": cib])
        #expect(result.status == input.status, "stderr: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.stderr)")
        #expect(result.stderr.hasPrefix("pacer: "))
        #expect(result.stderr.contains(input.mentions), "\(result.stderr) does not mention \(input.mentions)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cib)) == before, "the CIB changed")
    }

    @Test("a failing line in a script writes nothing, and the error names the line")
    func scriptIsAllOrNothing() throws {
        let dir = try TemporaryDirectory()
        let cib = try seededCIB(dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: cib))
        let script = try dir.write("s.crm", "configure\nprimitive ok Dummy\nprimitive bad Dummy op\ncommit\n")
        let result = try Tool.run([Tool.pacer, "configure", "-f", script], environment: ["CIB_file": cib])
        #expect(result.status == 64)
        #expect(result.stderr.contains("line 3:"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cib)) == before)
    }

    @Test("a malformed CIB file is named with line and column and never overwritten")
    func malformedFile() throws {
        let dir = try TemporaryDirectory()
        let text = "<cib epoch=\"1\">\n  <configuration>\n    <resources>\n  </configuration>\n</cib>\n"
        let cib = try dir.write("broken.xml", text)
        let result = try Tool.run([Tool.pacer, "configure", "property", "stonith-enabled=false"], environment: ["CIB_file": cib])
        #expect(result.status == 65)
        #expect(result.stderr.contains(cib) && result.stderr.contains("line 4"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try dir.read("broken.xml") == text)
    }

    @Test("a missing CIB file is reported with exit status 66")
    func missingFile() throws {
        let result = try Tool.run([Tool.pacer, "configure", "property", "a=b"], environment: ["CIB_file": "/nonexistent/cib.xml"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("/nonexistent/cib.xml"))
    }

    @Test("an unwritable directory leaves the CIB as it was")
    func unwritableDirectory() throws {
        let dir = try TemporaryDirectory()
        let mountPoint = dir.file("ro")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        // Root ignores permission bits, so use a read-only tmpfs to make the directory really unwritable.
        try #require(try Tool.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]).status == 0, "needs root to mount a tmpfs")
        defer { try? Tool.run(["umount", mountPoint]) }
        let cib = "\(mountPoint)/cib.xml"
        try Tool.run([Tool.pacer, "cib", "new", cib])
        try #require(try Tool.run(["mount", "-o", "remount,ro", mountPoint]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: cib))
        let result = try Tool.run([Tool.pacer, "configure", "property", "stonith-enabled=false"], environment: ["CIB_file": cib])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot write CIB file \(cib)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: cib)) == before)
    }

    @Test("no CIB given and no daemon: a clear message")
    func noCIB() throws {
        let result = try Tool.run(["/usr/bin/env", "-u", "CIB_file", Tool.pacer, "configure", "show"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("--cib-file"))
    }
}
