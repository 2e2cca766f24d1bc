import PacerMembership
import Testing

@Suite("restart and replay (simulated)")
struct RestartAndReplayTests {
    @Test("a peer restarting within deadtime is detected by its higher incarnation, without a loss")
    func quickRestartDetected() {
        var sim = SimulatedCluster(seed: 31)
        sim.startAll()
        sim.run(for: .seconds(2))
        sim.crash("bravo")
        sim.run(for: .milliseconds(100))
        sim.start("bravo", incarnation: 2)
        sim.run(for: .seconds(1))
        #expect(sim.directives(of: "alpha").contains(.peerRestarted(incarnation: 2)), "\(sim.context)")
        #expect(!sim.directives(of: "alpha").contains(.peerChanged(from: .member, to: .lost)), "\(sim.context)")
        #expect(sim.node("alpha").peerIncarnation == 2 && sim.node("alpha").counters.peerRestarts == 1, "\(sim.context)")
        #expect(sim.node("bravo").hasQuorum, "\(sim.context): the restarted node saw its peer, so wait_for_all is met")
    }

    @Test("a peer restarting after deadtime is lost, then a member again with the new incarnation")
    func slowRestartIsLossThenJoin() {
        var sim = SimulatedCluster(seed: 32)
        sim.startAll()
        sim.run(for: .seconds(2))
        sim.crash("bravo")
        sim.run(for: .seconds(1))
        sim.start("bravo", incarnation: 2)
        sim.run(for: .seconds(1))
        let peerChanges = sim.directives(of: "alpha").filter { if case .peerChanged = $0 { true } else { false } }
        #expect(peerChanges == [
            .peerChanged(from: .unknown, to: .member), .peerChanged(from: .member, to: .lost), .peerChanged(from: .lost, to: .member),
        ], "\(sim.context)")
        #expect(sim.node("alpha").peerIncarnation == 2, "\(sim.context)")
    }

    @Test("replayed, duplicated and old-incarnation packets are rejected, counted, and change nothing")
    func replaysRejected() {
        var sim = SimulatedCluster(seed: 33)
        sim.startAll()
        sim.run(for: .milliseconds(8_010))  // the last packet sent has arrived; the first is 80 packets back
        let fromBravo = sim.sent.filter { $0.from == "bravo" && $0.link == 0 }
        let recent = fromBravo.last!, ancient = fromBravo.first!
        sim.inject(recent.bytes, to: "alpha", link: 0)       // seen a moment ago: duplicate
        sim.inject(ancient.bytes, to: "alpha", link: 0)      // 8 s old: outside the window
        #expect(sim.node("alpha").counters.rejections[.duplicate] == 1, "\(sim.context)")
        #expect(sim.node("alpha").counters.rejections[.outsideWindow] == 1, "\(sim.context)")

        sim.crash("bravo")
        sim.run(for: .milliseconds(50))
        sim.start("bravo", incarnation: 2)
        sim.run(for: .milliseconds(500))
        sim.crash("bravo")
        // Replaying the old incarnation's packets must not keep the crashed peer alive.
        for _ in 0..<40 {
            sim.inject(recent.bytes, to: "alpha", link: 0)
            sim.inject(ancient.bytes, to: "alpha", link: 0)
            sim.run(for: .milliseconds(20))
        }
        #expect(sim.node("alpha").counters.rejections[.staleIncarnation] == 80, "\(sim.context)")
        #expect(sim.node("alpha").peerState == .lost, "\(sim.context)")
        #expect(sim.node("alpha").link(0)?.rejections[.staleIncarnation] == 80, "\(sim.context)")
    }

    @Test("network duplicates are rejected and counted without disturbing membership")
    func networkDuplicates() {
        var conditions = LinkConditions.perfect
        conditions.duplication = 0.5
        conditions.delay = .milliseconds(1) ... .milliseconds(30)
        var sim = SimulatedCluster(conditions: conditions, seed: 34)
        sim.startAll()
        sim.run(for: .seconds(30))
        let peerChanges = sim.directives(of: "alpha").filter { if case .peerChanged = $0 { true } else { false } }
        #expect(peerChanges == [.peerChanged(from: .unknown, to: .member)], "\(sim.context)")
        sim.crash("bravo")
        sim.run(for: .milliseconds(100))  // let packets in flight arrive
        let counters = sim.node("alpha").counters
        // Half of the packets were sent twice.
        #expect(counters.rejections[.duplicate] > sim.node("bravo").counters.heartbeatsSent / 3, "\(sim.context): \(counters.rejections)")
        #expect(counters.heartbeatsAccepted == sim.node("bravo").counters.heartbeatsSent, "\(sim.context): every packet accepted exactly once")
    }
}
