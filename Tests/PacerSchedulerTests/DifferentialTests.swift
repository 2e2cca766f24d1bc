// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerModel
import PacerScheduler
import PacerXML
import Testing
import PacerTestKit

/// Each fixture is a tiny CIB for one policy; the test runs it through our
/// scheduler (in-process) and through `crm_simulate -x FILE -S`, and compares the
/// normalized Transition Summaries.
@Suite("differential: scheduler vs crm_simulate")
struct DifferentialTests {
    static let fixtures = [
        "stickiness", "migration-threshold", "group", "constraints", "standby", "target-role",
        "no-quorum-stop", "no-quorum-ignore", "no-quorum-freeze", "seed-pair",
        "on-fail", "multiple-active", "unmanaged", "failure-timeout", "asymmetric", "priority",
        "failed-start-stop", "orphan", "migration", "ticket",
        "clone", "clone-unique", "clone-group-interleave", "date-rules",
    ]

    @Test("summary equals crm_simulate's", arguments: fixtures)
    func summaryMatchesCrmSimulate(_ name: String) throws {
        let path = "\(Tool.fixtures(of: "PacerSchedulerTests"))/\(name).xml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let cib = try XMLParser.parse(text)
        let transition = Scheduler.schedule(SchedulerInput(cib: cib, now: 1_700_000_100))
        let ours = try Tool.normalizedSummary("Transition Summary:\n" + transition.summary.joined(separator: "\n") + "\n\n")
        let reference = try Tool.run(["crm_simulate", "-x", path, "-S"])
        #expect(reference.status == 0, "crm_simulate failed: \(reference.stderr)")
        let theirs = try Tool.normalizedSummary(reference.stdout)
        #expect(ours == theirs, "fixture \(name): ours\n\(ours)\ncrm_simulate\n\(theirs)\nrerun: crm_simulate -x \(path) -S")
    }

    @Test("stickiness keeps a resource where it runs; a weaker one follows its location preference")
    func stickinessOutcome() throws {
        let summary = try ourSummary("stickiness")
        #expect(!summary.contains { $0.contains("rsc1") })
        #expect(summary.contains { $0.contains("Move") && $0.contains("rsc2") && $0.contains("node1 -> node2") })
    }

    @Test("group members start in order on one node")
    func groupStartsInOrder() throws {
        let cib = try XMLParser.parse(String(contentsOfFile: "\(Tool.fixtures(of: "PacerSchedulerTests"))/group.xml", encoding: .utf8))
        let t = Scheduler.schedule(SchedulerInput(cib: cib, now: 0))
        let starts = t.actions.filter { $0.task == "start" && ["a", "b", "c"].contains($0.resource ?? "") }
        #expect(starts.map(\.resource) == ["a", "b", "c"])
        #expect(Set(starts.compactMap(\.node)).count == 1)
    }

    @Test("an anonymous clone keeps its instance, starts one more, and probes instance names")
    func anonymousClone() throws {
        let cib = try XMLParser.parse(String(contentsOfFile: "\(Tool.fixtures(of: "PacerSchedulerTests"))/clone.xml", encoding: .utf8))
        let t = Scheduler.schedule(SchedulerInput(cib: cib, now: 0))
        let starts = t.actions.filter { $0.kind == .resource && $0.task == "start" }.map { "\($0.key) \($0.node ?? "")" }
        #expect(starts.sorted() == ["vip_start_0 node1", "web:1_start_0 node2"])
        #expect(t.actions.contains { $0.kind == .pseudo && $0.key == "web-clone_running_0" })
        // Probes go to instances; crm_simulate shows them under the configured id.
        let probes = t.actions.filter { $0.task == "monitor" && $0.intervalMs == 0 }
        #expect(probes.allSatisfy { $0.key.hasPrefix("web:") || $0.key.hasPrefix("vip_") })
        #expect(probes.allSatisfy { $0.resource == "web" || $0.resource == "vip" })
    }

    private func ourSummary(_ name: String) throws -> [String] {
        let cib = try XMLParser.parse(String(contentsOfFile: "\(Tool.fixtures(of: "PacerSchedulerTests"))/\(name).xml", encoding: .utf8))
        return Scheduler.schedule(SchedulerInput(cib: cib, now: 1_700_000_100)).summary
    }
}
