// SPDX-License-Identifier: GPL-2.0-or-later
import PacerMembership
import Testing

/// The instance driven event by event, without the simulated network.
@Suite("MembershipInstance")
struct MembershipInstanceTests {
    static let links = [LinkConfiguration(id: 0, isDirectCable: true), LinkConfiguration(id: 1)]

    static func alpha(_ settings: MembershipSettings = MembershipSettings()) -> MembershipInstance {
        try! MembershipInstance(node: "alpha", peer: "bravo", cluster: "web", incarnation: 10, links: links, settings: settings)
    }

    /// A heartbeat from bravo, echoing alpha's incarnation 10 unless `echo` says otherwise.
    static func fromBravo(seq: UInt64, link: LinkID = 0, incarnation: UInt64 = 20, leaving: Bool = false, echo: UInt64 = 10) -> MembershipInstance.Event {
        .heartbeat(Heartbeat(sender: "bravo", cluster: "web", incarnation: incarnation, sequence: seq, link: link,
                             echoedIncarnation: echo, isLeaving: leaving), link: link)
    }

    static func at(ms: Int64) -> Instant { Instant(nanoseconds: ms * 1_000_000) }

    static func sends(_ directives: [MembershipInstance.Directive]) -> [Heartbeat] {
        directives.compactMap { if case let .send(heartbeat, _) = $0 { heartbeat } else { nil } }
    }

    @Test("init rejects bad names, duplicate links and bad settings with clear messages")
    func initValidation() {
        func message(_ make: () throws(MembershipError) -> MembershipInstance) -> String {
            do { _ = try make(); return "ok" } catch { return "\(error)" }
        }
        #expect(message { () throws(MembershipError) in
            try MembershipInstance(node: "alpha", peer: "alpha", cluster: "web", incarnation: 1, links: Self.links)
        } == "invalid peer name 'alpha': is the same as this node's name")
        #expect(message { () throws(MembershipError) in
            try MembershipInstance(node: "", peer: "bravo", cluster: "web", incarnation: 1, links: Self.links)
        } == "invalid node name '': must not be empty")
        #expect(message { () throws(MembershipError) in
            try MembershipInstance(node: "alpha", peer: "bravo", cluster: "web", incarnation: 1,
                                   links: [LinkConfiguration(id: 1), LinkConfiguration(id: 1)])
        } == "invalid heartbeat links: link1 is listed twice")
        #expect(message { () throws(MembershipError) in
            try MembershipInstance(node: "alpha", peer: "bravo", cluster: "web", incarnation: 1, links: [])
        } == "invalid heartbeat links: 0 links given; 1 to 8 are supported")
        #expect(message { () throws(MembershipError) in
            try MembershipInstance(node: "alpha", peer: "bravo", cluster: "web", incarnation: 1, links: Self.links,
                                   settings: MembershipSettings(deadtime: .milliseconds(50)))
        }.hasPrefix("invalid membership setting deadtime=50ms"))
    }

    @Test("events before start are ignored; start sends on every link and schedules the next slot")
    func startSendsOnEveryLink() {
        var alpha = Self.alpha()
        #expect(alpha.handle(.tick, now: .zero).isEmpty)
        #expect(alpha.handle(Self.fromBravo(seq: 1), now: .zero).isEmpty)
        let directives = alpha.handle(.start, now: .zero)
        #expect(directives == [
            .send(Heartbeat(sender: "alpha", cluster: "web", incarnation: 10, sequence: 1, link: 0), link: 0),
            .send(Heartbeat(sender: "alpha", cluster: "web", incarnation: 10, sequence: 1, link: 1), link: 1),
            .scheduleTick(after: .milliseconds(20)),
        ])
        #expect(alpha.handle(.start, now: .zero).isEmpty)
        #expect(alpha.peerState == .unknown && !alpha.hasQuorum)
        #expect(alpha.links.map(\.state) == [.down, .down])
    }

    @Test("ticks send one packet per link per send slot with increasing sequence numbers")
    func sendCadence() {
        var alpha = Self.alpha()
        var now = Instant.zero
        var directives = alpha.handle(.start, now: now)
        var sent = Self.sends(directives)
        while now < Self.at(ms: 1_000) {
            guard case let .scheduleTick(after) = directives.last else { Issue.record("no tick in \(directives)"); return }
            #expect(after == .milliseconds(20))
            now += after
            directives = alpha.handle(.tick, now: now)
            sent += Self.sends(directives)
        }
        let onLink0 = sent.filter { $0.link == 0 }
        #expect(onLink0.map(\.sequence) == Array(1...UInt64(onLink0.count)))
        #expect(onLink0.count == 51, "one at start, then one every 20ms up to and including 1s")
        #expect(alpha.counters.heartbeatsSent == sent.count)
    }

    @Test("a heartbeat echoing us makes the peer a member and its link up; we echo its incarnation at once and say we see it")
    func firstHeartbeat() {
        var alpha = Self.alpha()
        _ = alpha.handle(.start, now: .zero)
        let directives = alpha.handle(Self.fromBravo(seq: 1), now: Self.at(ms: 5))
        let echo = { (link: LinkID) in
            Heartbeat(sender: "alpha", cluster: "web", incarnation: 10, sequence: 2, link: link, echoedIncarnation: 20,
                      seesRecipientAsMember: true, hasQuorum: true)
        }
        #expect(directives == [
            .linkChanged(0, from: .down, to: .up),
            .peerChanged(from: .unknown, to: .member),
            .quorumChanged(hasQuorum: true),
            .send(echo(0), link: 0),
            .send(echo(1), link: 1),
            .scheduleTick(after: .milliseconds(100)),  // a member: the quiet slot
        ])
        #expect(alpha.link(0)?.lastHeard == Self.at(ms: 5))
        #expect(alpha.peerIncarnation == 20 && alpha.hasSeenPeer && alpha.votes == 2)
        #expect(Self.sends(alpha.handle(Self.fromBravo(seq: 2), now: Self.at(ms: 6))).isEmpty, "the same incarnation is no news")
        let next = Self.sends(alpha.handle(.tick, now: Self.at(ms: 105)))
        #expect(next.count == 2 && next.allSatisfy { $0.seesRecipientAsMember && $0.hasQuorum && $0.echoedIncarnation == 20 })
    }

    @Test("a heartbeat not echoing our incarnation proves nothing: rejected as stale echo, its incarnation echoed at once")
    func unechoedHeartbeat() {
        var alpha = Self.alpha()
        _ = alpha.handle(.start, now: .zero)
        let directives = alpha.handle(Self.fromBravo(seq: 1, echo: 0), now: Self.at(ms: 5))
        #expect(!directives.contains { if case .peerChanged = $0 { true } else { false } })
        #expect(!directives.contains(.quorumChanged(hasQuorum: true)))
        let answer = Self.sends(directives)
        #expect(answer.map(\.link) == [0, 1] && answer.allSatisfy { $0.echoedIncarnation == 20 && $0.sequence == 2 },
                "sent at once, not at the next slot (20 ms)")
        #expect(directives.last == .scheduleTick(after: .milliseconds(20)))
        #expect(alpha.peerState == .unknown && alpha.peerIncarnation == nil && alpha.heardPeerIncarnation == 20)
        #expect(alpha.link(0)?.lastHeard == nil && alpha.link(0)?.rejections[.staleEcho] == 1)
        #expect(alpha.counters.rejections.description == "stale echo=1" && alpha.counters.heartbeatsAccepted == 0)
        // More of the same incarnation are no news: no extra sends.
        #expect(Self.sends(alpha.handle(Self.fromBravo(seq: 2, echo: 0), now: Self.at(ms: 6))).isEmpty)
        // The peer heard us: its echo proves it, and the packet counts (sequence 3 is not held against it).
        let proven = alpha.handle(Self.fromBravo(seq: 3), now: Self.at(ms: 7))
        #expect(proven.contains(.peerChanged(from: .unknown, to: .member)) && proven.contains(.quorumChanged(hasQuorum: true)))
        #expect(alpha.peerIncarnation == 20 && alpha.counters.heartbeatsAccepted == 1)
    }

    @Test("packets echoing an old incarnation of ours keep no member alive, whatever their sequence numbers")
    func oldEchoKeepsNobodyAlive() {
        var alpha = Self.alpha()
        _ = alpha.handle(.start, now: .zero)
        _ = alpha.handle(Self.fromBravo(seq: 1), now: Self.at(ms: 5))
        for step in 2...10 as ClosedRange<UInt64> {
            _ = alpha.handle(Self.fromBravo(seq: step, echo: 9), now: Self.at(ms: 5 + Int64(step) * 20))
        }
        #expect(alpha.handle(.tick, now: Self.at(ms: 305)).contains(.peerChanged(from: .member, to: .lost)))
        #expect(alpha.counters.rejections[.staleEcho] == 9 && alpha.link(0)?.lastHeard == Self.at(ms: 5))
    }

    @Test("incarnation 0 is refused: heartbeats echo 0 before they heard from us")
    func incarnationZeroRefused() {
        #expect(throws: MembershipError.self) {
            try MembershipInstance(node: "alpha", peer: "bravo", cluster: "web", incarnation: 0, links: Self.links)
        }
    }

    @Test("a member peer is lost exactly deadtime after its last heartbeat, not a nanosecond earlier")
    func exactDeadtime() {
        var alpha = Self.alpha()
        _ = alpha.handle(.start, now: .zero)
        _ = alpha.handle(Self.fromBravo(seq: 1), now: Self.at(ms: 5))
        let justBefore = Self.at(ms: 305) - .nanoseconds(1)
        #expect(!alpha.handle(.tick, now: justBefore).contains(.peerChanged(from: .member, to: .lost)))
        #expect(alpha.handle(.tick, now: Self.at(ms: 305)).contains(.peerChanged(from: .member, to: .lost)))
        #expect(alpha.hasQuorum, "two_node keeps quorum")
    }

    @Test("the next tick is scheduled for the earliest deadline, so no deadline is ever passed silently")
    func tickAtDeadlines() {
        var alpha = Self.alpha(MembershipSettings(interval: .seconds(1), packetsPerInterval: 1))
        _ = alpha.handle(.start, now: .zero)
        _ = alpha.handle(Self.fromBravo(seq: 1), now: .zero)  // answered at once, keeping the slot grid
        let directives = alpha.handle(Self.fromBravo(seq: 2), now: Self.at(ms: 100))
        // Next send at 1 s, but link0 turns late at 100 ms + warntime 1.5 s and the send comes first.
        #expect(directives.last == .scheduleTick(after: .milliseconds(900)))
        #expect(alpha.handle(.tick, now: Self.at(ms: 1_000)).last == .scheduleTick(after: .milliseconds(600)))
    }

    @Test("a tick arriving long after the deadline still reports the loss before a new heartbeat's rejoin")
    func lateTickThenHeartbeat() {
        var alpha = Self.alpha()
        _ = alpha.handle(.start, now: .zero)
        _ = alpha.handle(Self.fromBravo(seq: 1), now: Self.at(ms: 5))
        let directives = alpha.handle(Self.fromBravo(seq: 2), now: Self.at(ms: 1_000))
        let changes = directives.filter { if case .peerChanged = $0 { true } else { false } }
        #expect(changes == [.peerChanged(from: .member, to: .lost), .peerChanged(from: .lost, to: .member)])
    }

    @Test("reflected, foreign-cluster, mislinked and unknown-link packets are rejected and counted")
    func structuralRejections() {
        var alpha = Self.alpha()
        _ = alpha.handle(.start, now: .zero)
        let own = Heartbeat(sender: "alpha", cluster: "web", incarnation: 10, sequence: 1, link: 0)
        let foreign = Heartbeat(sender: "bravo", cluster: "db", incarnation: 20, sequence: 1, link: 0)
        let mislinked = Heartbeat(sender: "bravo", cluster: "web", incarnation: 20, sequence: 1, link: 1)
        let unknownLink = Heartbeat(sender: "bravo", cluster: "web", incarnation: 20, sequence: 1, link: 7)
        _ = alpha.handle(.heartbeat(own, link: 0), now: Self.at(ms: 1))
        _ = alpha.handle(.heartbeat(foreign, link: 0), now: Self.at(ms: 2))
        _ = alpha.handle(.heartbeat(mislinked, link: 0), now: Self.at(ms: 3))
        _ = alpha.handle(.heartbeat(unknownLink, link: 7), now: Self.at(ms: 4))
        #expect(alpha.counters.rejections.description == "unknown link=1 link id mismatch=1 wrong cluster=1 unknown sender=1")
        #expect(alpha.link(0)?.rejections.total == 3)
        #expect(alpha.peerState == .unknown && alpha.counters.heartbeatsAccepted == 0)
    }

    @Test("an old-incarnation packet on another link is rejected as stale even though that link never saw the new one")
    func staleAcrossLinks() {
        var alpha = Self.alpha()
        _ = alpha.handle(.start, now: .zero)
        _ = alpha.handle(Self.fromBravo(seq: 1, link: 0, incarnation: 21), now: Self.at(ms: 1))
        _ = alpha.handle(Self.fromBravo(seq: 500, link: 1, incarnation: 20), now: Self.at(ms: 2))
        #expect(alpha.counters.rejections[.staleIncarnation] == 1)
        #expect(alpha.link(1)?.lastHeard == nil)
    }

    @Test("a member peer's higher incarnation is reported as a restart, without a loss")
    func restartReported() {
        var alpha = Self.alpha()
        _ = alpha.handle(.start, now: .zero)
        _ = alpha.handle(Self.fromBravo(seq: 1), now: Self.at(ms: 1))
        let directives = alpha.handle(Self.fromBravo(seq: 1, incarnation: 99), now: Self.at(ms: 50))
        #expect(directives.contains(.peerRestarted(incarnation: 99)))
        #expect(!directives.contains { if case .peerChanged = $0 { true } else { false } })
        #expect(alpha.peerIncarnation == 99 && alpha.counters.peerRestarts == 1)
    }

    @Test("a dead direct cable plus warntime of silence on every link loses the peer early")
    func carrierEvidence() {
        var alpha = Self.alpha()
        _ = alpha.handle(.start, now: .zero)
        _ = alpha.handle(Self.fromBravo(seq: 1, link: 0), now: Self.at(ms: 10))
        _ = alpha.handle(Self.fromBravo(seq: 1, link: 1), now: Self.at(ms: 10))
        let carrier = alpha.handle(.linkCarrier(0, up: false), now: Self.at(ms: 20))
        #expect(carrier.contains(.linkChanged(0, from: .up, to: .down)))
        #expect(alpha.peerState == .member, "carrier loss alone is not peer loss")
        #expect(alpha.handle(.tick, now: Self.at(ms: 159)).allSatisfy { $0 != .peerChanged(from: .member, to: .lost) })
        #expect(alpha.handle(.tick, now: Self.at(ms: 160)).contains(.peerChanged(from: .member, to: .lost)))
    }

    @Test("a dead direct cable with the peer still talking on the other link keeps it a member")
    func carrierLossWithLiveDataLink() {
        var alpha = Self.alpha()
        _ = alpha.handle(.start, now: .zero)
        _ = alpha.handle(Self.fromBravo(seq: 1, link: 0), now: Self.at(ms: 10))
        _ = alpha.handle(.linkCarrier(0, up: false), now: Self.at(ms: 20))
        for step in 1...50 {
            _ = alpha.handle(Self.fromBravo(seq: UInt64(step), link: 1), now: Self.at(ms: 20 + Int64(step) * 20))
        }
        #expect(alpha.peerState == .member)
        #expect(alpha.link(0)?.state == .down && alpha.link(1)?.state == .up)
        #expect(alpha.link(0)?.carrierUp == false)
        _ = alpha.handle(.linkCarrier(0, up: true), now: Self.at(ms: 1_100))
        #expect(alpha.link(0)?.state == .down, "carrier back, but nothing heard on link0 for a second")
    }

    @Test("leave announces leaving on every link for one interval, then completes")
    func leaveAnnouncements() {
        var alpha = Self.alpha()
        var now = Instant.zero
        _ = alpha.handle(.start, now: now)
        var directives = alpha.handle(.leave, now: Self.at(ms: 7))
        now = Self.at(ms: 7)
        var leaving: [Heartbeat] = Self.sends(directives)
        while !directives.contains(.leaveComplete) {
            guard case let .scheduleTick(after) = directives.last else { Issue.record("no tick"); return }
            now += after
            directives = alpha.handle(.tick, now: now)
            leaving += Self.sends(directives)
        }
        #expect(leaving.count == 10 && leaving.allSatisfy(\.isLeaving))
        #expect(now == Self.at(ms: 87))
        #expect(Self.sends(alpha.handle(.tick, now: Self.at(ms: 200))).isEmpty)
    }
}
