// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// Runs the public scheduler corpus through the built `pacer` binary with the
/// corpus's own harness and guards the pass count.
@Suite("scheduler corpus")
struct CorpusTests {
    /// Cases passing when this figure was recorded; raise it when more pass.
    static let recordedPassCount = 107

    @Test("corpus pass count does not drop below the recorded figure")
    func corpusPassCount() throws {
        let command = "\(Tool.pacer) simulate -x {xml} -S"
        let result = try Tool.run(["python3", Tool.corpus + "/compare", "-q", "-j", "2", command])
        let lines = result.stdout.split(separator: "\n")
        guard let last = lines.last, let passed = Int(last.split(separator: " ").first ?? "") else {
            Issue.record("compare printed no totals:\n\(result.stdout)\n\(result.stderr)")
            return
        }
        #expect(passed >= Self.recordedPassCount,
                "only \(passed) corpus cases pass (recorded \(Self.recordedPassCount)); failures:\n\(result.stdout)\nrerun: cd \(Tool.corpus) && ./compare -v '\(command)'")
    }

    /// Cases whose whole `-S` output (status, summary, executed actions, revised
    /// status) is byte-identical to crm_simulate's when this figure was recorded.
    static let recordedIdenticalOutputs = 107

    @Test("every action of the graph matches crm_simulate's (compare --section actions)")
    func corpusActionsSection() throws {
        let command = "\(Tool.pacer) simulate -x {xml} -S"
        let result = try Tool.run(["python3", Tool.corpus + "/compare", "-q", "-j", "2", "--section", "actions", command])
        let passed = Int(result.stdout.split(separator: "\n").last?.split(separator: " ").first ?? "") ?? 0
        #expect(passed >= Self.recordedPassCount, "actions section: \(passed) pass\n\(result.stdout)")
    }

    @Test("whole crm_simulate -S output is reproduced byte for byte")
    func wholeOutputIdentical() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Tool.corpus + "/cases")
            .filter { $0.hasSuffix(".xml") }.map { String($0.dropLast(4)) }.sorted()
        var different: [String] = []
        for name in names {
            let ours = try Tool.run([Tool.pacer, "simulate", "-x", "\(Tool.corpus)/cases/\(name).xml", "-S"]).stdout
            let expected = try String(contentsOfFile: "\(Tool.corpus)/expected/\(name).out", encoding: .utf8)
            if ours != expected { different.append(name) }
        }
        #expect(names.count - different.count >= Self.recordedIdenticalOutputs,
                "outputs differ from crm_simulate's for: \(different.joined(separator: ", "))")
    }

    @Test("summary lines are byte-identical to crm_simulate's, padding included")
    func rawSummaryMatchesForPassingCases() throws {
        // A few cases whose summaries exercise Move/Start/Stop padding.
        for name in ["group6", "rsc_dep7", "order-mandatory", "standby"] {
            let xml = "\(Tool.corpus)/cases/\(name).xml"
            let ours = try Tool.run([Tool.pacer, "simulate", "-x", xml, "-S"]).stdout
            let expected = try String(contentsOfFile: "\(Tool.corpus)/expected/\(name).out", encoding: .utf8)
            #expect(summaryBlock(ours) == summaryBlock(expected), "case \(name)")
        }
    }

    private func summaryBlock(_ text: String) -> [Substring] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "Transition Summary:") else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
    }
}
