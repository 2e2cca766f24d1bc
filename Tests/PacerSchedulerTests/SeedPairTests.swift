// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import Testing
import PacerTestKit

/// The seed pair (cib-examples/proxy-pair.xml with nodes pm01/pm02), driven through
/// `pacer simulate` step by step and checked against crm_simulate on the same files.
@Suite("seed pair scenario")
struct SeedPairTests {
    private let seed = "\(Tool.fixtures(of: "PacerSchedulerTests"))/seed-pair.xml"

    private func tmp(_ name: String) -> String {
        NSTemporaryDirectory() + "pacer-seed-\(getpid())-\(name).xml"
    }

    /// Runs one step with both tools; returns our summary lines and writes our result to `out`.
    private func step(_ input: String, _ args: [String], out: String) throws -> [String] {
        let ours = try Tool.run([Tool.pacer, "simulate", "-x", input, "-S", "-O", out] + args)
        #expect(ours.status == 0, "pacer simulate failed: \(ours.stderr)")
        let theirs = try Tool.run(["crm_simulate", "-x", input, "-S"] + args)
        let a = try Tool.normalizedSummary(ours.stdout), b = try Tool.normalizedSummary(theirs.stdout)
        #expect(a == b, "pacer vs crm_simulate on \(input) \(args):\n\(a)\n---\n\(b)")
        return a.split(separator: "\n").map(String.init)
    }

    @Test("start in order, fail over on node loss and on a failed monitor, and stay put")
    func scenario() throws {
        let s1 = tmp("1"), s2 = tmp("2"), s3 = tmp("3"), s4 = tmp("4")
        defer { for f in [s1, s2, s3, s4] { try? FileManager.default.removeItem(atPath: f) } }

        // Both nodes up: the group starts on one node, members in order.
        let start = try step(seed, [], out: s1)
        #expect(start == ["* Start ckVIP ( pm01 )", "* Start haproxyd ( pm01 )", "* Start vIP_10 ( pm01 )"])
        let run = try Tool.run([Tool.pacer, "simulate", "-x", seed, "-S"]).stdout
        let order = ["ckVIP", "vIP_10", "haproxyd"].map { name in
            run.range(of: "\(name) ")
                .flatMap { _ in run.range(of: "Resource action: \(name.padding(toLength: 15, withPad: " ", startingAt: 0)) start") }?
                .lowerBound
        }
        #expect(order.allSatisfy { $0 != nil } && order == order.sorted { $0! < $1! }, "starts out of order:\n\(run)")

        // The active node goes down: the group moves.
        let down = try step(s1, ["--node-down", "pm01"], out: s2)
        #expect(down.count == 3 && down.allSatisfy { $0.hasPrefix("* Start") && $0.hasSuffix("( pm02 )") })

        // A failed haproxyd monitor with migration-threshold=1: the group moves to pm02.
        let failed = try step(s1, ["-i", "haproxyd_monitor_5000@pm01=7"], out: s3)
        #expect(failed.contains("* Move ckVIP ( pm01 -> pm02 )"))
        #expect(failed.contains { $0.contains("haproxyd") && $0.contains("pm01 -> pm02") })

        // Once moved, nothing moves back (stickiness INFINITY).
        let after = try step(s3, [], out: s4)
        #expect(after.isEmpty)

        // The peer returns: nothing moves back.
        let back = try step(s2, ["--node-up", "pm01"], out: s4)
        #expect(back.isEmpty)
    }
}
