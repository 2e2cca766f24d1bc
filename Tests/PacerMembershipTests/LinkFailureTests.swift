// SPDX-License-Identifier: GPL-2.0-or-later
import PacerMembership
import Testing

@Suite("link failures (simulated)")
struct LinkFailureTests {
    static func peerChanges(_ sim: SimulatedCluster, _ name: String) -> [MembershipInstance.Directive] {
        sim.directives(of: name).filter { if case .peerChanged = $0 { true } else { false } }
    }

    @Test("cutting the interlink only takes that link down; the peer stays a member via the data link")
    func interlinkCut() throws {
        var sim = SimulatedCluster(seed: 41)
        sim.startAll()
        sim.run(for: .seconds(2))
        let cutAt = sim.now
        sim.cut(0)
        sim.run(for: .seconds(2))
        for name in ["alpha", "bravo"] {
            let node = sim.node(name)
            #expect(node.peerState == .member, "\(name), \(sim.context)")
            #expect(node.links.map(\.state) == [.down, .up], "\(name), \(sim.context)")
            let late = try #require(sim.firstTime(name, reported: .linkChanged(0, from: .up, to: .late), since: cutAt), "\(sim.context)")
            let down = try #require(sim.firstTime(name, reported: .linkChanged(0, from: .late, to: .down), since: cutAt), "\(sim.context)")
            #expect(down - late == sim.settings.deadtime - sim.settings.warntime, "\(sim.context)")
        }
        #expect(Self.peerChanges(sim, "alpha") == [.peerChanged(from: .unknown, to: .member)], "\(sim.context)")
        let healAt = sim.now
        sim.heal(0)
        sim.run(for: .milliseconds(100))
        #expect(sim.firstTime("alpha", reported: .linkChanged(0, from: .down, to: .up), since: healAt) != nil, "\(sim.context)")
        #expect(sim.node("alpha").links.map(\.state) == [.up, .up], "\(sim.context)")
    }

    @Test("interlink carrier loss with the peer alive on the data link is a link fault, not a peer loss")
    func carrierLossWithPeerAlive() {
        var sim = SimulatedCluster(seed: 42)
        sim.startAll()
        sim.run(for: .seconds(2))
        sim.cut(0)
        sim.setCarrier("alpha", 0, up: false)
        sim.setCarrier("bravo", 0, up: false)
        sim.run(for: .seconds(5))
        #expect(sim.node("alpha").peerState == .member && sim.node("bravo").peerState == .member, "\(sim.context)")
        #expect(sim.node("alpha").link(0)?.state == .down, "\(sim.context)")
        #expect(sim.node("alpha").hasQuorum, "\(sim.context)")
    }

    @Test("cutting both links loses the peer after deadtime; healing them brings the same incarnation back without a restart")
    func bothLinksCut() throws {
        var sim = SimulatedCluster(seed: 43)
        sim.startAll()
        sim.run(for: .seconds(2))
        let cutAt = sim.now
        sim.cut(0)
        sim.cut(1)
        sim.run(for: .seconds(1))
        for name in ["alpha", "bravo"] {
            let lostAt = try #require(sim.firstTime(name, reported: .peerChanged(from: .member, to: .lost)), "\(name), \(sim.context)")
            #expect(lostAt - cutAt <= sim.settings.deadtime + sim.settings.quietSendSlot + .milliseconds(1), "\(name), \(sim.context)")
            #expect(sim.node(name).hasQuorum, "\(name), \(sim.context): two_node keeps quorum (fencing must settle it)")
            #expect(!sim.node(name).peerSeesUs, "\(name), \(sim.context)")
        }
        sim.heal(0)
        sim.heal(1)
        sim.run(for: .seconds(1))
        #expect(Self.peerChanges(sim, "alpha").last == .peerChanged(from: .lost, to: .member), "\(sim.context)")
        #expect(sim.node("alpha").peerIncarnation == 1, "\(sim.context): a healed partition, not a restart")
        #expect(!sim.directives(of: "alpha").contains { if case .peerRestarted = $0 { true } else { false } }, "\(sim.context)")
    }

    @Test("a crashed peer behind a dark direct cable is lost after warntime instead of deadtime")
    func darkCableShortensDetection() throws {
        var sim = SimulatedCluster(seed: 44)
        sim.startAll()
        sim.run(for: .seconds(2))
        sim.crash("bravo")
        sim.setCarrier("alpha", 0, up: false)
        sim.run(for: .seconds(1))
        let lastHeard = try #require(sim.node("alpha").peerLastHeard)
        let lostAt = try #require(sim.firstTime("alpha", reported: .peerChanged(from: .member, to: .lost)), "\(sim.context)")
        #expect(lostAt == lastHeard + sim.settings.warntime, "\(sim.context)")
    }

    @Test("carrier loss on a switched link is never evidence against the peer")
    func switchedCarrierIsNoEvidence() throws {
        var sim = SimulatedCluster(seed: 45)
        sim.startAll()
        sim.run(for: .seconds(2))
        sim.crash("bravo")
        sim.setCarrier("alpha", 1, up: false)
        sim.run(for: .seconds(1))
        let lastHeard = try #require(sim.node("alpha").peerLastHeard)
        let lostAt = try #require(sim.firstTime("alpha", reported: .peerChanged(from: .member, to: .lost)), "\(sim.context)")
        #expect(lostAt == lastHeard + sim.settings.deadtime, "\(sim.context)")
    }
}
