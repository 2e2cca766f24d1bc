// SPDX-License-Identifier: GPL-2.0-or-later
import PacerMembership
import Testing

@Suite("quorum (simulated)")
struct QuorumTests {
    static func quorumChanges(_ sim: SimulatedCluster, _ name: String) -> [MembershipInstance.Directive] {
        sim.directives(of: name).filter { if case .quorumChanged = $0 { true } else { false } }
    }

    @Test("two_node: a node keeps quorum after its peer is lost")
    func twoNodeKeepsQuorum() {
        var sim = SimulatedCluster(seed: 11)
        sim.startAll()
        sim.run(for: .seconds(2))
        #expect(sim.node("alpha").hasQuorum && sim.node("bravo").hasQuorum, "\(sim.context)")
        sim.crash("bravo")
        sim.run(for: .seconds(2))
        #expect(sim.node("alpha").peerState == .lost, "\(sim.context)")
        #expect(sim.node("alpha").hasQuorum, "\(sim.context)")
        #expect(Self.quorumChanges(sim, "alpha") == [.quorumChanged(hasQuorum: true)], "\(sim.context)")
    }

    @Test("without two_node, a node loses quorum with its peer")
    func withoutTwoNodeQuorumIsLost() {
        var sim = SimulatedCluster(settings: MembershipSettings(twoNode: false), seed: 12)
        sim.startAll()
        sim.run(for: .seconds(2))
        sim.crash("bravo")
        sim.run(for: .seconds(2))
        #expect(Self.quorumChanges(sim, "alpha") == [.quorumChanged(hasQuorum: true), .quorumChanged(hasQuorum: false)], "\(sim.context)")
    }

    @Test("wait_for_all: a lone node has no quorum, even after initdead, until it has seen its peer once")
    func waitForAll() throws {
        var sim = SimulatedCluster(seed: 13)
        sim.start("alpha")
        sim.run(for: .seconds(10))
        #expect(!sim.node("alpha").hasQuorum, "\(sim.context)")
        #expect(Self.quorumChanges(sim, "alpha").isEmpty, "\(sim.context)")
        let lostAt = try #require(sim.firstTime("alpha", reported: .peerChanged(from: .unknown, to: .lost)), "\(sim.context)")
        #expect(lostAt == Instant.zero + sim.settings.initdead, "\(sim.context): the peer is absent once initdead ran out")
        sim.start("bravo")
        sim.run(for: .seconds(1))
        #expect(sim.node("alpha").hasQuorum && sim.node("bravo").hasQuorum, "\(sim.context)")
        #expect(sim.node("alpha").peerSeesUs && sim.node("alpha").peerHasQuorum, "\(sim.context)")
        sim.crash("bravo")
        sim.run(for: .seconds(1))
        #expect(sim.node("alpha").hasQuorum, "\(sim.context): once seen, two_node keeps quorum")
    }

    @Test("without wait_for_all, a lone two_node node is quorate from start")
    func withoutWaitForAll() {
        var sim = SimulatedCluster(settings: MembershipSettings(waitForAll: false), seed: 14)
        sim.start("alpha")
        #expect(sim.node("alpha").hasQuorum, "\(sim.context)")
        #expect(Self.quorumChanges(sim, "alpha") == [.quorumChanged(hasQuorum: true)], "\(sim.context)")
    }

    @Test("graceful leave is reported as left, not lost, and two_node keeps quorum")
    func gracefulLeave() throws {
        var sim = SimulatedCluster(seed: 15)
        sim.startAll()
        sim.run(for: .seconds(2))
        sim.leave("bravo")
        sim.run(for: .milliseconds(150))
        #expect(sim.directives(of: "bravo").last == .leaveComplete, "\(sim.context)")
        sim.crash("bravo")  // the shell exits after .leaveComplete
        sim.run(for: .seconds(5))
        let peerChanges = sim.directives(of: "alpha").filter { if case .peerChanged = $0 { true } else { false } }
        #expect(peerChanges == [.peerChanged(from: .unknown, to: .member), .peerChanged(from: .member, to: .left)], "\(sim.context)")
        #expect(sim.node("alpha").hasQuorum, "\(sim.context)")
        #expect(sim.node("alpha").links.map(\.state) == [.down, .down], "\(sim.context)")
    }

    @Test("graceful leave under 30% loss is still reported as left", arguments: [21, 22, 23] as [UInt64])
    func gracefulLeaveUnderLoss(seed: UInt64) {
        var sim = SimulatedCluster(conditions: .lossy, seed: seed)
        sim.startAll()
        sim.run(for: .seconds(3))
        sim.leave("bravo")
        sim.run(for: .milliseconds(150))
        sim.crash("bravo")
        sim.run(for: .seconds(2))
        #expect(sim.node("alpha").peerState == .left, "\(sim.context)")
    }

    @Test("a node that left and starts again with a new incarnation becomes a member again")
    func rejoinAfterLeave() {
        var sim = SimulatedCluster(seed: 16)
        sim.startAll()
        sim.run(for: .seconds(2))
        sim.leave("bravo")
        sim.run(for: .milliseconds(150))
        sim.crash("bravo")
        sim.run(for: .seconds(1))
        sim.start("bravo", incarnation: 2)
        sim.run(for: .seconds(1))
        #expect(sim.directives(of: "alpha").last { if case .peerChanged = $0 { true } else { false } }
            == .peerChanged(from: .left, to: .member), "\(sim.context)")
        #expect(!sim.directives(of: "alpha").contains(.peerRestarted(incarnation: 2)), "\(sim.context): a rejoin after leaving is no surprise restart")
        #expect(sim.node("bravo").hasQuorum, "\(sim.context)")
    }
}
