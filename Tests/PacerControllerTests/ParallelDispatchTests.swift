// SPDX-License-Identifier: GPL-2.0-or-later
import PacerController
import PacerTransition
import PacerModel
import PacerXML
import Testing

/// What one controller asks for at each step, with results delivered by hand.
@Suite("controller: independent actions in parallel, ordered ones in order")
struct ParallelDispatchTests {
    static func executes(_ directives: [ControllerInstance.Directive]) -> [ActionRequest] {
        directives.compactMap { if case .execute(let request) = $0 { request } else { nil } }
    }

    /// The DC of a fresh pair, after both nodes were seen.
    func freshDC() throws -> (ControllerInstance, [ActionRequest]) {
        var dc = ControllerInstance(localNode: "alpha", peerNode: "bravo", nodeIDs: ["alpha": "1", "bravo": "2"], cib: try pairCIB())
        _ = dc.handle(.started, now: 1_800_000_000)
        #expect(Self.executes(dc.handle(.membership(peerMember: true, hasQuorum: true), now: 1_800_000_001)).isEmpty,
                "nothing is decided before the joining peer's CIB is in")
        let first = Self.executes(dc.handle(.peerCIB(try pairCIB()), now: 1_800_000_001))
        return (dc, first)
    }

    @Test("all six probes are asked for at once; each start waits for its probes; the group's starts follow one at a time")
    func probesTogetherStartsInOrder() throws {
        var (dc, first) = try freshDC()
        #expect(first.count == 6 && first.allSatisfy(\.isProbe), "\(first.map(\.operationKey))")
        #expect(dc.inFlight.count == 6)
        var asked: [ActionRequest] = []
        for probe in first {
            let next = Self.executes(dc.handle(.actionFinished(probe, ActionOutcome(rc: 7)), now: 1_800_000_002))
            for start in next {
                #expect(!dc.inFlight.contains { $0.isProbe && $0.resource == start.resource },
                        "\(start.resource) starts only after its probes on both nodes are back")
            }
            asked += next
        }
        // The group: ckVIP, then vIP_10, then haproxyd; each start waits for the one before.
        var order: [String] = []
        while let start = asked.first(where: { $0.task == "start" }) {
            #expect(asked.filter { $0.task == "start" }.count == 1, "one group member starts at a time")
            order.append(start.resource)
            asked = Self.executes(dc.handle(.actionFinished(start, ActionOutcome(rc: 0)), now: 1_800_000_003))
                + asked.filter { $0 != start }
            for monitor in asked where monitor.task == "monitor" {
                asked = Self.executes(dc.handle(.actionFinished(monitor, ActionOutcome(rc: 0)), now: 1_800_000_004))
                    + asked.filter { $0 != monitor }
            }
        }
        #expect(order == ["ckVIP", "vIP_10", "haproxyd"])
        #expect(dc.inFlight.isEmpty && dc.idle)
    }

    @Test("an unexpected result stops new actions until those in flight are back")
    func unexpectedResultDrains() throws {
        var (dc, first) = try freshDC()
        // A probe finds ckVIP running on bravo: the transition is void, the other probes still count.
        let surprise = first.first { $0.resource == "ckVIP" && $0.node == "bravo" }!
        #expect(Self.executes(dc.handle(.actionFinished(surprise, ActionOutcome(rc: 0)), now: 1_800_000_002)).isEmpty)
        #expect(dc.draining)
        let rest = first.filter { $0 != surprise }
        for (index, probe) in rest.enumerated() {
            let next = Self.executes(dc.handle(.actionFinished(probe, ActionOutcome(rc: 7)), now: 1_800_000_003))
            if index < rest.count - 1 { #expect(next.isEmpty) } else {
                // Scheduled afresh: the group follows ckVIP to bravo.
                #expect(!dc.draining)
                #expect(next.allSatisfy { $0.node == "bravo" } && !next.isEmpty, "\(next.map { "\($0.operationKey)@\($0.node)" })")
            }
        }
    }
}

@Suite("controller: the join")
struct JoinTests {
    @Test("the DC schedules on the peer's newer CIB once it arrives, or on its own after the join timeout")
    func waitsForPeerCIB() throws {
        var dc = ControllerInstance(localNode: "alpha", peerNode: "bravo", nodeIDs: ["alpha": "1", "bravo": "2"], cib: try pairCIB())
        _ = dc.handle(.started, now: 100)
        #expect(ParallelDispatchTests.executes(dc.handle(.membership(peerMember: true, hasQuorum: true), now: 100)).isEmpty)
        #expect(ParallelDispatchTests.executes(dc.handle(.recheck, now: 100 + ControllerInstance.joinTimeout - 1)).isEmpty)
        let late = ParallelDispatchTests.executes(dc.handle(.recheck, now: 100 + ControllerInstance.joinTimeout))
        #expect(late.count == 6, "after the timeout it probes on its own CIB")
    }
}
