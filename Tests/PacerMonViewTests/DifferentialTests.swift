// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// `pacer status` against `crm_mon` 2.1.5 on the same CIB files, line for line except
/// `Last updated` (the oracle runs in the same test, with `LC_ALL=C`).
///
/// Each option set records how many cases passed when it was last fixed; the test fails
/// when fewer pass now (and prints the first differences and how to rerun).
@Suite("pacer status vs crm_mon", .serialized)
struct DifferentialTests {
    /// Passing cases recorded per option set (all of them, when this was written).
    static let recorded: [String: Int] = [
        "-1 -r -f": 565, "-1": 123, "-1 -n": 123, "-1 -A": 123, "-1 -o": 123, "-1 -r -n": 123, "-1 -r -f -A -o": 123,
        "xml": 565,
    ]

    @Test("the test CIBs were all generated")
    func generated() {
        #expect(StatusCases.generated.problems.isEmpty, "\(StatusCases.generated.problems.joined(separator: "\n"))")
        #expect(StatusCases.all.count >= Self.recorded["-1 -r -f"]!)
    }

    /// Runs one option set over `cases`; returns the number that matched.
    func compare(_ pacerFlags: [String], crmFlags: [String], cases: [StatusCase]) throws -> Int {
        var passed = 0
        var failures: [String] = []
        for c in cases {
            let expected = try Tool.run(["crm_mon"] + crmFlags, environment: ["CIB_file": c.path])
            let actual = try Tool.run([Tool.pacer, "status"] + pacerFlags + ["--cib-file", c.path])
            let e = withoutLastUpdated(expected.stdout), a = withoutLastUpdated(actual.stdout)
            if e == a && actual.status == 0 {
                passed += 1
            } else if failures.count < 5 {
                failures.append("\(c.name): CIB_file=\(c.path) crm_mon \(crmFlags.joined(separator: " "))\n"
                                + (actual.stderr.isEmpty ? "" : "stderr: \(actual.stderr)\n") + lineDiff(e, a))
            }
        }
        let key = pacerFlags.joined(separator: " ")
        print("pacer status \(key): \(passed) of \(cases.count) match crm_mon")
        let floor = Self.recorded[key] ?? cases.count
        #expect(passed >= floor, "pacer status \(key): \(passed) of \(cases.count) match crm_mon, recorded \(floor)\n\(failures.joined(separator: "\n\n"))")
        return passed
    }

    @Test("-1 -r -f on every generated CIB")
    func inactiveAndFailcounts() throws {
        _ = try compare(["-1", "-r", "-f"], crmFlags: ["-1rf"], cases: StatusCases.all)
    }

    @Test("other option sets on the corpus and proxy-pair CIBs",
          arguments: [(["-1"], ["-1"]), (["-1", "-n"], ["-1n"]), (["-1", "-A"], ["-1A"]), (["-1", "-o"], ["-1o"]),
                      (["-1", "-r", "-n"], ["-1rn"]), (["-1", "-r", "-f", "-A", "-o"], ["-1rfAo"])])
    func optionSets(pacer: [String], crm: [String]) throws {
        _ = try compare(pacer, crmFlags: crm, cases: StatusCases.subset)
    }

    @Test("--output-as=xml is crm_mon's document (but for the time and command line) and validates")
    func xml() throws {
        var passed = 0
        var failures: [String] = []
        var files: [String] = []
        for c in StatusCases.all {
            let expected = try Tool.run(["crm_mon", "--output-as=xml"], environment: ["CIB_file": c.path])
            let actual = try Tool.run([Tool.pacer, "status", "--output-as=xml", "--cib-file", c.path])
            let out = c.path.replacingOccurrences(of: ".xml", with: ".pacer-status.xml")
            try actual.stdout.write(toFile: out, atomically: true, encoding: .utf8)
            files.append(out)
            let e = normalizedXML(expected.stdout), a = normalizedXML(actual.stdout)
            if e == a && actual.status == 0 {
                passed += 1
            } else if failures.count < 5 {
                failures.append("\(c.name): CIB_file=\(c.path) crm_mon --output-as=xml\n" + lineDiff(e, a))
            }
        }
        print("pacer status --output-as=xml: \(passed) of \(StatusCases.all.count) match crm_mon")
        #expect(passed >= Self.recorded["xml"]!, "\(passed) match, recorded \(Self.recorded["xml"]!)\n\(failures.joined(separator: "\n\n"))")
        // One xmllint for all documents against the schema crm_mon's own output uses.
        let schema = "/usr/share/pacemaker/api/api-result.rng"
        for chunk in stride(from: 0, to: files.count, by: 200).map({ Array(files[$0..<min($0 + 200, files.count)]) }) {
            let lint = try Tool.run(["xmllint", "--noout", "--relaxng", schema] + chunk)
            #expect(lint.status == 0, "pacer status --output-as=xml does not validate against \(schema):\n\(lint.stderr.prefix(2000))")
        }
    }

    /// The document without what legitimately differs: the time and the command line.
    func normalizedXML(_ text: String) -> String {
        text.replacingOccurrences(of: #"request="[^"]*""#, with: "request=\"\"", options: .regularExpression)
            .replacingOccurrences(of: #"<last_update time="[^"]*"/>"#, with: "<last_update/>", options: .regularExpression)
    }
}
