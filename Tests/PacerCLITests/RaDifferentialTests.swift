// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// `pacer ra run` against `crm_resource --force-*` on resource-agents' own agents.
@Suite("ra: same results as crm_resource", .serialized)
struct RaDifferentialTests {
    /// The rc and the text in parentheses of crm_resource's / pacer's "Operation … returned N (…)" line.
    static func outcome(_ result: ToolResult) -> (Int32, String) {
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("Operation ") } ?? ""
        let detail = line.firstIndex(of: "(").map { String(line[$0...]) } ?? ""
        return (result.status, String(detail.split(separator: "(", maxSplits: 2).dropFirst().joined(separator: "(")))
    }

    @Test("start, monitor, stop and bad parameters give the same rc and reason")
    func sameOutcomes() throws {
        let dir = try TemporaryDirectory()
        let state = dir.file("dummy.state")
        let steps: [(crm: String, pacer: String, agent: String, options: [String])] = [
            ("--force-check", "monitor", "Dummy", ["state=\(state)"]),
            ("--force-start", "start", "Dummy", ["state=\(state)"]),
            ("--force-check", "monitor", "Dummy", ["state=\(state)"]),
            ("--force-stop", "stop", "Dummy", ["state=\(state)"]),
            ("--force-stop", "stop", "Dummy", ["state=\(state)"]),
            ("--force-start", "start", "IPaddr2", ["ip=not-an-address"]),
            ("--validate", "validate-all", "IPaddr2", []),
        ]
        for step in steps {
            let crm = try Tool.run(["crm_resource", step.crm, "--class", "ocf", "--provider", "heartbeat", "--agent", step.agent]
                                    + step.options.flatMap { ["--option", $0] })
            let ours = try Tool.run([Tool.pacer, "ra", "run", step.pacer, "ocf:heartbeat:\(step.agent)"] + step.options.flatMap { ["-o", $0] })
            let expected = Self.outcome(crm), actual = Self.outcome(ours)
            #expect(actual.0 == expected.0, "\(step.pacer) \(step.agent): rc \(actual.0), crm_resource \(expected.0)")
            #expect(actual.1 == expected.1, "\(step.pacer) \(step.agent): '\(actual.1)' vs crm_resource '\(expected.1)'")
        }
    }

    @Test("ra info prints what crm ra info prints", arguments: ["ocf:heartbeat:IPaddr2", "ocf:heartbeat:Dummy", "ocf:pacemaker:Stateful", "ocf:heartbeat:apache"])
    func info(agent: String) throws {
        let ours = try Tool.run([Tool.pacer, "ra", "info", agent])
        let crm = try Tool.run(["crm", "ra", "info", agent])
        #expect(ours.status == 0)
        #expect(ours.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == crm.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("ra list finds agents; a missing agent is refused")
    func list() throws {
        let list = try Tool.run([Tool.pacer, "ra", "list", "ocf:heartbeat"])
        #expect(list.stdout.split(separator: "\n").contains("ocf:heartbeat:IPaddr2"))
        let missing = try Tool.run([Tool.pacer, "ra", "info", "ocf:heartbeat:NoSuchAgent"])
        #expect(missing.status == 105 && missing.stderr.contains("not installed"))
    }
}
