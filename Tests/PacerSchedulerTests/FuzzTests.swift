// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerModel
import PacerScheduler
import PacerXML
import Testing
import PacerTestKit

/// Feeds mutated CIBs to the scheduler: it must never crash (a crash fails the run),
/// and it must stay deterministic.
@Suite("scheduler fuzz")
struct FuzzTests {
    static let garbage = ["", "INFINITY", "-INFINITY", "+INFINITY", "inf", "-1", "0", "999999999", "abc", "Stopped",
                          "Started", "false", "true", "block", "ignore", "stop", "freeze", "suicide", "node1", "nosuch",
                          "-", "10s", "P1D", "#uname", "Master", "Promoted"]

    private func mutate(_ el: inout XMLElement, _ rng: inout SplitMix64) {
        let roll = Int.random(in: 0..<100, using: &rng)
        if !el.attributes.isEmpty && roll < 30 {
            let i = Int.random(in: 0..<el.attributes.count, using: &rng)
            el.attributes[i].value = Self.garbage.randomElement(using: &rng)!
        } else if !el.attributes.isEmpty && roll < 38 {
            el.attributes.remove(at: Int.random(in: 0..<el.attributes.count, using: &rng))
        } else if !el.children.isEmpty && roll < 46 {
            el.children.remove(at: Int.random(in: 0..<el.children.count, using: &rng))
        } else if !el.children.isEmpty && roll < 52 {
            el.children.append(el.children[Int.random(in: 0..<el.children.count, using: &rng)])
        }
        for i in el.children.indices where Int.random(in: 0..<4, using: &rng) == 0 {
            if case .element(var child) = el.children[i] {
                mutate(&child, &rng)
                el.children[i] = .element(child)
            }
        }
    }

    @Test("mutated CIBs never crash the scheduler", arguments: [UInt64(1), 2, 3, 4])
    func mutatedCIBsDoNotCrash(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        // Corpus cases, then this target's own fixtures: the order (and so each seed's picks) is fixed.
        let paths = try FileManager.default.contentsOfDirectory(atPath: Tool.corpus + "/cases").filter { $0.hasSuffix(".xml") }.sorted()
            .map { Tool.corpus + "/cases/" + $0 }
            + (try FileManager.default.contentsOfDirectory(atPath: Tool.fixtures(of: "PacerSchedulerTests")).filter { $0.hasSuffix(".xml") }.sorted().map { Tool.fixtures(of: "PacerSchedulerTests") + "/" + $0 })
        try scheduleMutated(paths, rounds: 60, seed: seed, rng: &rng, compareGraphs: false)
    }

    /// `rounds` times: a random CIB of `paths`, mutated, scheduled twice; both runs must agree
    /// (and not crash).
    func scheduleMutated(_ paths: [String], rounds: Int, seed: UInt64, rng: inout SplitMix64, compareGraphs: Bool) throws {
        for round in 0..<rounds {
            let path = paths.randomElement(using: &rng)!
            let name = (path as NSString).lastPathComponent
            var cib = try XMLParser.parse(String(contentsOfFile: path, encoding: .utf8))
            mutate(&cib, &rng)
            let a = Scheduler.schedule(SchedulerInput(cib: cib, now: 1_700_000_000))
            let b = Scheduler.schedule(SchedulerInput(cib: cib, now: 1_700_000_000))
            #expect(a.summary == b.summary, "seed \(seed) round \(round) (\(name)): non-deterministic summary")
            if compareGraphs {
                #expect(a.actions.map(\.key) == b.actions.map(\.key), "seed \(seed) round \(round) (\(name)): non-deterministic graph")
            }
        }
    }

    /// The upstream cases bring clones, promotable clones, fencing, resource sets,
    /// utilization, tickets and rules into the mutations.
    @Test("mutated upstream CIBs (clones, fencing, sets, utilization) never crash the scheduler",
          arguments: [UInt64(11), 12, 13, 14])
    func mutatedUpstreamCIBsDoNotCrash(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let folder = Tool.corpus + "/upstream/cases"
        let paths = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".xml") }.sorted()
            .map { folder + "/" + $0 }
        try scheduleMutated(paths, rounds: 40, seed: seed, rng: &rng, compareGraphs: true)
    }

    @Test("bad input is reported, not fatal")
    func badInputIsHandled() throws {
        let text = """
        <cib crm_feature_set="3.16.1" have-quorum="true"><configuration><crm_config><cluster_property_set id="o">
        <nvpair id="a" name="no-quorum-policy" value="bogus"/><nvpair id="b" name="stonith-enabled" value="false"/>
        </cluster_property_set></crm_config><nodes><node id="1" uname="n1"/></nodes>
        <resources><primitive id="r1" class="ocf" provider="heartbeat" type="Dummy"/></resources>
        <constraints><rsc_colocation id="c1" rsc="r1" with-rsc="ghost" score="INFINITY"/>
        <rsc_location id="l1" rsc="r1" node="n1" score="lots"/></constraints></configuration>
        <status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
        <lrm id="1"><lrm_resources><lrm_resource id="orphan" class="ocf" provider="heartbeat" type="Dummy">
        <lrm_rsc_op id="o1" operation="start" call-id="1" rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x"/>
        </lrm_resource></lrm_resources></lrm></node_state></status></cib>
        """
        let t = Scheduler.schedule(SchedulerInput(cib: try XMLParser.parse(text), now: 0))
        #expect(t.warnings.contains { $0.contains("ghost") })
        #expect(t.warnings.contains { $0.contains("no-quorum-policy") })
        #expect(t.summary.contains { $0.contains("Stop") && $0.contains("orphan") })
        #expect(t.summary.contains { $0.contains("Start") && $0.contains("r1") })
    }
}
