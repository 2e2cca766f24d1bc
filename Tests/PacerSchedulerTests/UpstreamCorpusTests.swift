// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// Guards the upstream cases (`Tests/Fixtures/scheduler-corpus/upstream`) that Pacer
/// reproduces: `upstream-status.tsv` records, per case of Pacemaker's regression suite,
/// whether the Transition Summary, the executed actions and the whole `-S` output are
/// identical to crm_simulate's, and why not where they differ. A case whose recorded
/// match is lost fails the test; one that starts matching more asks for the file to be
/// updated.
@Suite("upstream scheduler cases")
struct UpstreamCorpusTests {
    struct Row {
        var name: String
        var summary: Bool
        var actions: Bool
        var whole: Bool
    }

    /// Results gathered from the concurrently run cases.
    final class Findings: @unchecked Sendable {
        private let lock = NSLock()
        private var regressions: [String] = []
        private var improvements: [String] = []

        func add(_ regression: String?, _ improvement: String?) {
            lock.lock()
            defer { lock.unlock() }
            if let regression { regressions.append(regression) }
            if let improvement { improvements.append(improvement) }
        }

        var lists: ([String], [String]) {
            lock.lock()
            defer { lock.unlock() }
            return (regressions, improvements)
        }
    }

    static var folder: String { Tool.corpus + "/upstream" }

    static func rows() throws -> [Row] {
        let text = try String(contentsOfFile: Tool.corpus + "/upstream-status.tsv", encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count >= 4 else { return nil }
            return Row(name: String(f[0]), summary: f[1] == "1", actions: f[2] == "1", whole: f[3] == "1")
        }
    }

    /// The lines of one block of crm_simulate's output (after `header`, up to the first
    /// blank line), blanks collapsed and sorted, as the corpus's `compare` reads them.
    static func section(_ output: String, _ header: String) -> [String]? {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == header }) else { return nil }
        return lines[(start + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
            .sorted()
    }

    @Test("every case recorded as matching still matches crm_simulate 2.1.5")
    func recordedMatchesHold() throws {
        let rows = try Self.rows().filter { $0.summary || $0.actions || $0.whole }
        #expect(rows.count > 0, "upstream-status.tsv lists no matching case")
        let found = Findings()
        DispatchQueue.concurrentPerform(iterations: rows.count) { index in
            let row = rows[index]
            let xml = "\(Self.folder)/cases/\(row.name).xml"
            var problems: [String] = []
            var better: [String] = []
            do {
                let result = try Tool.run([Tool.pacer, "simulate", "-x", xml, "-S"])
                let expected = try String(contentsOfFile: "\(Self.folder)/expected/\(row.name).out", encoding: .utf8)
                let ok = result.status == 0
                let summary = ok && Self.section(result.stdout, "Transition Summary:") == Self.section(expected, "Transition Summary:")
                let actions = ok && Self.section(result.stdout, "Executing Cluster Transition:")
                    == Self.section(expected, "Executing Cluster Transition:")
                let whole = ok && result.stdout == expected
                for (recorded, now, what) in [(row.summary, summary, "summary"), (row.actions, actions, "actions"),
                                              (row.whole, whole, "whole output")] {
                    if recorded && !now { problems.append(what) }
                    if !recorded && now { better.append(what) }
                }
            } catch {
                problems.append("could not run: \(error)")
            }
            found.add(problems.isEmpty ? nil : "\(row.name): \(problems.joined(separator: ", ")) no longer identical",
                      better.isEmpty ? nil : "\(row.name): \(better.joined(separator: ", "))")
        }
        let (regressions, improvements) = found.lists
        #expect(regressions.isEmpty, """
            \(regressions.count) upstream cases regressed:
            \(regressions.sorted().joined(separator: "\n"))
            rerun one: \(Tool.pacer) simulate -x \(Self.folder)/cases/NAME.xml -S | diff \(Self.folder)/expected/NAME.out -
            """)
        if !improvements.isEmpty {
            print("upstream cases now matching more than upstream-status.tsv records (update it):\n"
                  + improvements.sorted().joined(separator: "\n"))
        }
    }

    @Test("upstream-status.tsv gives a reason for every case that still differs")
    func everyDifferenceHasAReason() throws {
        let text = try String(contentsOfFile: Tool.corpus + "/upstream-status.tsv", encoding: .utf8)
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            #expect(f.count == 5, "malformed line: \(line)")
            guard f.count == 5 else { continue }
            let identical = f[1] == "1" && f[2] == "1" && f[3] == "1"
            #expect(identical || !f[4].isEmpty, "\(f[0]) differs but has no reason")
            let copied = FileManager.default.fileExists(atPath: "\(Self.folder)/cases/\(f[0]).xml")
            #expect(copied == (f[1] == "1" || f[2] == "1" || f[3] == "1"),
                    "\(f[0]): a case matching in any section is in upstream/cases, and only those")
        }
    }
}
