import PacerMembership
import Testing

@Suite("failure detection (simulated)")
struct FailureDetectionTests {
    @Test("peer is lost exactly deadtime after its last heartbeat, within deadtime + one send slot + delay of the crash")
    func peerLostAfterDeadtime() throws {
        var sim = SimulatedCluster(seed: 7)
        sim.startAll()
        sim.run(for: .milliseconds(2_007))
        #expect(sim.node("alpha").peerState == .member, "\(sim.context)")
        let crashedAt = sim.now
        sim.crash("bravo")
        sim.run(for: .seconds(1))
        let lastHeard = try #require(sim.node("alpha").peerLastHeard)
        let settings = sim.settings
        let lostAt = try #require(sim.firstTime("alpha", reported: .peerChanged(from: .member, to: .lost)), "\(sim.context)")
        #expect(lostAt == lastHeard + settings.deadtime, "\(sim.context)")
        let delay = Duration.milliseconds(1)
        #expect(lostAt - crashedAt <= settings.deadtime + settings.sendSlot + delay, "\(sim.context)")
        #expect(lostAt - crashedAt > settings.deadtime - settings.sendSlot, "\(sim.context)")
        // Each link went late at warntime and down at deadtime, before the peer was declared lost.
        let linkChanges = sim.log(of: "alpha").filter { $0.at > crashedAt && $0.at <= lostAt }.map(\.directive)
        #expect(linkChanges == [
            .linkChanged(0, from: .up, to: .late), .linkChanged(1, from: .up, to: .late),
            .linkChanged(0, from: .late, to: .down), .linkChanged(1, from: .late, to: .down),
            .peerChanged(from: .member, to: .lost),
        ], "\(sim.context)")
    }

    @Test("no false loss under 30% loss, reordering and duplicates at the default settings over 10 simulated minutes",
          arguments: [1, 2, 3, 4, 5] as [UInt64])
    func noFalseLossUnderLoss(seed: UInt64) {
        // One link only: the harder case, no second path to mask a loss burst.
        var sim = SimulatedCluster(links: [LinkConfiguration(id: 0)], conditions: .lossy, seed: seed)
        sim.startAll()
        sim.run(for: .seconds(600))
        for name in ["alpha", "bravo"] {
            let peerChanges = sim.directives(of: name).filter { if case .peerChanged = $0 { true } else { false } }
            #expect(peerChanges == [.peerChanged(from: .unknown, to: .member)], "\(name), \(sim.context)")
            #expect(sim.directives(of: name).filter { if case .quorumChanged = $0 { true } else { false } }
                == [.quorumChanged(hasQuorum: true)], "\(name), \(sim.context)")
            let counters = sim.node(name).counters
            #expect(counters.rejections[.duplicate] > 0, "\(name), \(sim.context): duplicates were injected")
            #expect(counters.rejections.total == counters.rejections[.duplicate] + counters.rejections[.outsideWindow],
                    "\(name), \(sim.context): \(counters.rejections)")
            let delivered = Double(counters.heartbeatsAccepted) / Double(sim.node(name == "alpha" ? "bravo" : "alpha").counters.heartbeatsSent)
            #expect(delivered > 0.65 && delivered < 0.75, "\(name), \(sim.context): delivered \(delivered)")
        }
    }

    @Test("the same seed gives the same run, event for event")
    func deterministic() {
        func run() -> [String] {
            var sim = SimulatedCluster(conditions: .lossy, seed: 42)
            sim.startAll()
            sim.run(for: .seconds(20))
            sim.crash("bravo")
            sim.run(for: .seconds(1))
            return sim.log(of: "alpha").map { "\($0.at) \($0.directive)" } + ["\(sim.node("alpha").counters)"]
        }
        #expect(run() == run())
    }
}
