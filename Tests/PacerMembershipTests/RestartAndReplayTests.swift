// SPDX-License-Identifier: GPL-2.0-or-later
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
        let echoing = fromBravo.filter { (try! Heartbeat.decode($0.bytes)).echoedIncarnation == 1 }  // bravo's first did not
        let recent = echoing.last!, ancient = echoing.first!
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
        // Every packet is accepted exactly once, but those sent before bravo heard alpha (they echo no incarnation of alpha's).
        let unechoed = sim.sent.filter { $0.from == "bravo" && (try! Heartbeat.decode($0.bytes)).echoedIncarnation == 0 }.count
        #expect(unechoed > 0 && unechoed < 10, "\(sim.context): \(unechoed)")
        #expect(counters.heartbeatsAccepted == sim.node("bravo").counters.heartbeatsSent - unechoed, "\(sim.context): every packet accepted exactly once")
    }
}

/// Issue #10 finding 6: a restarted node must not take heartbeats recorded before its
/// restart for a live peer (wait_for_all would be met by a replay).
@Suite("freshness after restart (simulated)")
struct FreshnessTests {
    /// The peer and quorum changes `name` reported at or after `since`.
    static func changes(_ sim: SimulatedCluster, _ name: String, since: Instant) -> [MembershipInstance.Directive] {
        sim.log(of: name).filter { $0.at >= since }.map(\.directive).filter {
            switch $0 {
            case .peerChanged, .quorumChanged: true
            default: false
            }
        }
    }

    @Test("bravo's heartbeats recorded before alpha restarted, replayed to the lone new alpha, give no member and no quorum")
    func replayToRestartedLoneNode() {
        var sim = SimulatedCluster(seed: 61)
        sim.startAll()
        sim.run(for: .seconds(2))
        let recording = sim.sent.filter { $0.from == "bravo" }
        #expect(recording.count > 20, "\(sim.context)")
        sim.crash("bravo")
        sim.crash("alpha")
        sim.run(for: .seconds(1))
        sim.start("alpha", incarnation: 2)
        let restartedAt = sim.now
        // The attacker replays the recording over and over, a packet every 10 ms, beyond initdead.
        var next = 0
        while sim.now < restartedAt + .seconds(5) {
            let packet = recording[next % recording.count]
            sim.inject(packet.bytes, to: "alpha", link: packet.link)
            next += 1
            sim.run(for: .milliseconds(10))
        }
        let alpha = sim.node("alpha")
        #expect(Self.changes(sim, "alpha", since: restartedAt) == [.peerChanged(from: .unknown, to: .lost)], "\(sim.context)")
        #expect(alpha.peerState == .lost && !alpha.hasSeenPeer && !alpha.hasQuorum, "\(sim.context)")
        #expect(alpha.counters.heartbeatsAccepted == 0, "\(sim.context): \(alpha.counters.rejections)")
    }

    @Test("a replay of the live but cut-off peer's packets (echoing alpha's previous run) is refused; the healed link joins")
    func replayOfLivePeerAfterRestart() throws {
        var sim = SimulatedCluster(seed: 62)
        sim.startAll()
        sim.run(for: .seconds(2))
        let recording = sim.sent.filter { $0.from == "bravo" }.suffix(20)
        sim.cut(0)
        sim.cut(1)
        sim.crash("alpha")
        sim.run(for: .milliseconds(100))
        sim.start("alpha", incarnation: 2)
        let restartedAt = sim.now
        for packet in recording {
            sim.inject(packet.bytes, to: "alpha", link: packet.link)
            sim.run(for: .milliseconds(10))
        }
        sim.run(for: .seconds(3))
        #expect(Self.changes(sim, "alpha", since: restartedAt) == [.peerChanged(from: .unknown, to: .lost)], "\(sim.context)")
        #expect(sim.node("alpha").counters.rejections[.staleEcho] == 20 && sim.node("alpha").counters.heartbeatsAccepted == 0,
                "\(sim.context): \(sim.node("alpha").counters.rejections)")
        #expect(sim.node("alpha").heardPeerIncarnation == 1 && sim.node("alpha").peerIncarnation == nil, "\(sim.context)")
        let healedAt = sim.now
        sim.heal(0)
        sim.heal(1)
        sim.run(for: .seconds(1))
        let joined = try #require(sim.firstTime("alpha", reported: .quorumChanged(hasQuorum: true), since: healedAt), "\(sim.context)")
        #expect(joined - healedAt <= sim.settings.interval, "\(sim.context)")
        #expect(sim.node("alpha").peerState == .member && sim.node("alpha").peerIncarnation == 1, "\(sim.context)")
        #expect(sim.node("bravo").peerState == .member && sim.node("bravo").peerIncarnation == 2, "\(sim.context)")
    }

    @Test("alpha's own heartbeats reflected back to it after its restart are refused as from an unknown sender")
    func reflectedAfterRestart() {
        var sim = SimulatedCluster(seed: 63)
        sim.startAll()
        sim.run(for: .seconds(1))
        sim.crash("bravo")
        sim.crash("alpha")
        sim.run(for: .seconds(1))
        sim.start("alpha", incarnation: 2)
        let restartedAt = sim.now
        sim.run(for: .milliseconds(200))
        let own = sim.sent.filter { $0.from == "alpha" }
        for packet in own { sim.inject(packet.bytes, to: "alpha", link: packet.link) }
        sim.run(for: .seconds(3))
        let alpha = sim.node("alpha")
        #expect(alpha.counters.rejections[.unknownSender] == own.count && alpha.counters.rejections.total == own.count,
                "\(sim.context): \(alpha.counters.rejections)")
        #expect(Self.changes(sim, "alpha", since: restartedAt) == [.peerChanged(from: .unknown, to: .lost)], "\(sim.context)")
        #expect(alpha.heardPeerIncarnation == nil && !alpha.hasQuorum, "\(sim.context)")
    }

    @Test("a cold start joins within three one-way delays on a clean network, both at once or one after the other",
          arguments: [false, true])
    func coldStartClean(staggered: Bool) throws {
        var sim = SimulatedCluster(seed: 64)
        sim.start("alpha")
        if staggered { sim.run(for: .milliseconds(507)) }
        let bravoAt = sim.now
        sim.start("bravo")
        sim.run(for: .seconds(1))
        for name in ["alpha", "bravo"] {
            let joined = try #require(sim.firstTime(name, reported: .quorumChanged(hasQuorum: true)), "\(name), \(sim.context)")
            #expect(joined - bravoAt <= .milliseconds(3), "\(name), \(sim.context): one-way delay 1 ms")
            #expect(sim.firstTime(name, reported: .peerChanged(from: .unknown, to: .member)) == joined, "\(name), \(sim.context)")
        }
    }

    @Test("a cold start under 30% loss joins within two intervals", arguments: Array(1...12) as [UInt64])
    func coldStartLossy(seed: UInt64) throws {
        var sim = SimulatedCluster(conditions: .lossy, seed: seed)
        sim.start("alpha")
        sim.run(for: .milliseconds(500 + Int64(seed)))
        let bravoAt = sim.now
        sim.start("bravo")
        sim.run(for: .seconds(2))
        for name in ["alpha", "bravo"] {
            let joined = try #require(sim.firstTime(name, reported: .quorumChanged(hasQuorum: true)), "\(name), \(sim.context)")
            #expect(joined - bravoAt <= sim.settings.interval * 2, "\(name), \(sim.context)")
        }
    }

    @Test("either node restarting within deadtime is back at once: the survivor reports the restart, no loss",
          arguments: ["alpha", "bravo"])
    func quickRestartOfEither(restarting: String) throws {
        let survivor = restarting == "alpha" ? "bravo" : "alpha"
        var sim = SimulatedCluster(seed: 65)
        sim.startAll()
        sim.run(for: .seconds(2))
        sim.crash(restarting)
        sim.run(for: .milliseconds(100))
        sim.start(restarting, incarnation: 2)
        let restartedAt = sim.now
        sim.run(for: .seconds(1))
        #expect(sim.directives(of: survivor).contains(.peerRestarted(incarnation: 2)), "\(sim.context)")
        #expect(!sim.directives(of: survivor).contains(.peerChanged(from: .member, to: .lost)), "\(sim.context)")
        let joined = try #require(sim.firstTime(restarting, reported: .quorumChanged(hasQuorum: true), since: restartedAt), "\(sim.context)")
        #expect(joined - restartedAt <= .milliseconds(3), "\(sim.context)")
        #expect(sim.node(restarting).peerState == .member && sim.node(survivor).peerState == .member, "\(sim.context)")
    }

    @Test("either node restarting after deadtime is lost, then joins again", arguments: ["alpha", "bravo"])
    func slowRestartOfEither(restarting: String) throws {
        let survivor = restarting == "alpha" ? "bravo" : "alpha"
        var sim = SimulatedCluster(conditions: .lossy, seed: 66)
        sim.startAll()
        sim.run(for: .seconds(2))
        sim.crash(restarting)
        sim.run(for: .seconds(1))
        sim.start(restarting, incarnation: 2)
        let restartedAt = sim.now
        sim.run(for: .seconds(2))
        #expect(Self.changes(sim, survivor, since: restartedAt - .seconds(1)) == [
            .peerChanged(from: .member, to: .lost), .peerChanged(from: .lost, to: .member),
        ], "\(sim.context)")
        #expect(Self.changes(sim, restarting, since: restartedAt).prefix(2) == [
            .peerChanged(from: .unknown, to: .member), .quorumChanged(hasQuorum: true),
        ], "\(sim.context)")
        #expect(sim.node(survivor).peerIncarnation == 2 && sim.node(restarting).peerIncarnation == 1, "\(sim.context)")
    }
}
