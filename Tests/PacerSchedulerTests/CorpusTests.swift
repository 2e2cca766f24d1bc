import Foundation
import Testing

/// Runs the public scheduler corpus through the built `pacer` binary with the
/// corpus's own harness and guards the pass count.
@Suite("scheduler corpus")
struct CorpusTests {
    /// Cases passing when this figure was recorded; raise it when more pass.
    static let recordedPassCount = 103

    @Test("corpus pass count does not drop below the recorded figure")
    func corpusPassCount() throws {
        let command = "\(Tools.pacer) simulate -x {xml} -S"
        let result = try Tools.run(["python3", Tools.corpus + "/compare", "-q", "-j", "2", command])
        let lines = result.stdout.split(separator: "\n")
        guard let last = lines.last, let passed = Int(last.split(separator: " ").first ?? "") else {
            Issue.record("compare printed no totals:\n\(result.stdout)\n\(result.stderr)")
            return
        }
        #expect(passed >= Self.recordedPassCount,
                "only \(passed) corpus cases pass (recorded \(Self.recordedPassCount)); failures:\n\(result.stdout)\nrerun: cd \(Tools.corpus) && ./compare -v '\(command)'")
    }

    @Test("summary lines are byte-identical to crm_simulate's, padding included")
    func rawSummaryMatchesForPassingCases() throws {
        // A few cases whose summaries exercise Move/Start/Stop padding.
        for name in ["group6", "rsc_dep7", "order-mandatory", "standby"] {
            let xml = "\(Tools.corpus)/cases/\(name).xml"
            let ours = try Tools.run([Tools.pacer, "simulate", "-x", xml, "-S"]).stdout
            let expected = try String(contentsOfFile: "\(Tools.corpus)/expected/\(name).out", encoding: .utf8)
            #expect(summaryBlock(ours) == summaryBlock(expected), "case \(name)")
        }
    }

    private func summaryBlock(_ text: String) -> [Substring] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "Transition Summary:") else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
    }
}
