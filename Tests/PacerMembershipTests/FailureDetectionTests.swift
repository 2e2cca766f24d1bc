// SPDX-License-Identifier: GPL-2.0-or-later
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
        let slot = sim.node("alpha").quietSlot   // two links: one packet per link per interval
        #expect(slot == settings.interval)
        #expect(lostAt - crashedAt <= settings.deadtime + slot + delay, "\(sim.context)")
        #expect(lostAt - crashedAt > settings.deadtime - slot, "\(sim.context)")
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
            #expect(counters.rejections.total == counters.rejections[.duplicate] + counters.rejections[.outsideWindow]
                    + counters.rejections[.staleEcho], "\(name), \(sim.context): \(counters.rejections)")
            #expect(counters.rejections[.staleEcho] < 10, "\(name), \(sim.context): only before the peer heard us")
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

@Suite("heartbeat rate")
struct HeartbeatRateTests {
    func sentPerSecond(_ sim: SimulatedCluster, from node: String, over seconds: Double) -> Double {
        Double(sim.node(node).counters.heartbeatsSent) / seconds
    }

    @Test("a quiet network gets the quiet rate; loss raises both sides to the full rate, which lasts the holdoff after it ends")
    func rateFollowsLoss() {
        var sim = SimulatedCluster(links: [LinkConfiguration(id: 0)], conditions: .perfect, seed: 11)
        sim.startAll()
        sim.run(for: .seconds(1))
        let quietStart = sim.node("bravo").counters.heartbeatsSent
        sim.run(for: .seconds(10))
        let quiet = Double(sim.node("bravo").counters.heartbeatsSent - quietStart) / 10
        #expect(abs(quiet - 20) <= 1, "2 per 100 ms interval: \(quiet)/s, \(sim.context)")

        sim.setConditions(0, LinkConditions(loss: 0.3, delay: .milliseconds(1) ... .milliseconds(5), duplication: 0))
        sim.run(for: .seconds(1))
        let lossyStart = sim.node("bravo").counters.heartbeatsSent
        sim.run(for: .seconds(5))
        let lossy = Double(sim.node("bravo").counters.heartbeatsSent - lossyStart) / 5
        #expect(abs(lossy - 50) <= 2, "5 per interval while alpha reports loss: \(lossy)/s, \(sim.context)")

        sim.setConditions(0, .perfect)
        sim.run(for: .seconds(12))   // the holdoff (10 s) passes
        let healedStart = sim.node("bravo").counters.heartbeatsSent
        sim.run(for: .seconds(5))
        let healed = Double(sim.node("bravo").counters.heartbeatsSent - healedStart) / 5
        #expect(abs(healed - 20) <= 1, "back to the quiet rate: \(healed)/s, \(sim.context)")
        #expect(sim.directives(of: "alpha").filter { if case .peerChanged = $0 { true } else { false } }.count == 1, "\(sim.context)")
    }
}
