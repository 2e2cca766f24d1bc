// SPDX-License-Identifier: GPL-2.0-or-later
/// Membership and quorum of one node of a two-node cluster, as a value doing no I/O.
///
/// The shell feeds `Event`s with the current `Instant` and carries out the returned
/// `Directive`s (CONVENTIONS.md §2; swift-cluster-membership's SWIMInstance). Guarantees:
/// - Deterministic: the same events at the same instants give the same directives;
///   no clock, randomness or hash order is consulted.
/// - Every `handle` call from `.start` on (a repeated `.start` aside) ends with
///   exactly one `.scheduleTick`; the shell keeps one timer and each replaces it.
/// - On `.start` and then every send slot (`settings.sendSlot` while packets are being lost
///   or the peer is not a member, `settings.quietSendSlot` otherwise) one heartbeat goes out per link.
/// - A member peer becomes `.lost` exactly `deadtime` after the last valid heartbeat on
///   any link, provided ticks fire on time: within deadtime + one send slot of its
///   last send, plus network delay. A direct-cable link without carrier shortens
///   this to `warntime` of silence on every link (the far end went dark), never less.
/// - Quorum follows votequorum for two nodes: see `hasQuorum`.
/// - Freshness: a heartbeat counts (membership, quorum, deadlines, links) only when it
///   echoes our current `incarnation`, i.e. the peer heard from this very run; one
///   recorded before this run started proves nothing, however authentic. A heartbeat
///   that does not echo it yet (the peer has not heard us, or it is a replay) is
///   rejected as `.staleEcho`; it only teaches us the peer's incarnation, which our
///   heartbeats echo from then on. A new peer incarnation is answered at once, so a
///   join takes three one-way delays (each side's first packet, then an echo) where
///   one sufficed without the proof.
///
/// Directives of one call come in this order: state changes (link changes by link
/// id, peer change, `.peerRestarted`, quorum change; a heartbeat after an overdue
/// deadline can give two such groups, e.g. `.lost` then `.member`), sends (by link
/// id), `.leaveComplete`, `.scheduleTick`.
public struct MembershipInstance: Sendable {
    /// Our node name.
    public let node: String
    /// The peer's node name.
    public let peer: String
    /// The cluster name carried in every heartbeat.
    public let cluster: String
    /// Our incarnation, chosen by the shell at process start.
    public let incarnation: UInt64
    /// The validated settings.
    public let settings: MembershipSettings

    /// What we believe about the peer.
    public internal(set) var peerState: PeerState = .unknown
    /// The peer's newest accepted incarnation, `nil` before its first heartbeat.
    public internal(set) var peerIncarnation: UInt64?
    /// The peer's newest incarnation in any authentic heartbeat, accepted or awaiting its
    /// echo of ours: what our heartbeats echo. Never below `peerIncarnation`.
    public internal(set) var heardPeerIncarnation: UInt64?
    /// When the last valid heartbeat arrived on any link.
    public internal(set) var peerLastHeard: Instant?
    /// Whether the peer's last heartbeat said it counts us as a member (false once lost).
    public internal(set) var peerSeesUs = false
    /// Whether the peer's last heartbeat said it has quorum (false once lost).
    public internal(set) var peerHasQuorum = false
    /// Whether this node has quorum now.
    ///
    /// Votes are ours plus the peer's while it is a member; quorum needs
    /// `settings.quorumThreshold` of them (1 with `twoNode`, so a node keeps quorum
    /// when its peer is lost or left). With `waitForAll`, there is no quorum until the
    /// peer has been a member once since `.start`. Before `.start`, no quorum.
    public internal(set) var hasQuorum = false
    /// Whether the peer has been a member since `.start` (wait_for_all satisfied).
    public internal(set) var hasSeenPeer = false
    /// Whether `.leave` was handled.
    public internal(set) var isLeaving = false
    /// When `.start` was handled.
    public internal(set) var startedAt: Instant?
    /// Running totals.
    public internal(set) var counters = MembershipCounters()

    /// Per-link state, sorted by link id.
    var linkRecords: [LinkRecord]
    /// When the next round of heartbeats is due.
    var nextSendAt = Instant.zero
    /// When this node last noticed lost packets (a sequence gap or a late link).
    var lossNoticedAt: Instant?
    /// Whether the peer's latest heartbeat reported losing packets of ours.
    var peerReportsLoss = false
    /// Leave announcements still to send (per link) after `.leave`.
    var leaveRoundsRemaining = 0
    /// The incarnation that announced leaving: its later plain packets were sent before
    /// the announcement and must not bring the peer back.
    var leftIncarnation: UInt64?
    /// The peer state last reported in `.peerChanged` (`peerState` may be ahead within a call).
    var reportedPeerState: PeerState = .unknown
    /// A restart seen by `receive` and not yet reported.
    var pendingRestart: UInt64?
    /// The latest `now` seen, to catch a shell whose clock runs backwards.
    var lastNow: Instant?

    /// A stopped instance for `node`, which will talk to `peer` over `links`.
    ///
    /// - Parameters:
    ///   - node: our name, 1…255 UTF-8 bytes.
    ///   - peer: the peer's name, different from ours.
    ///   - cluster: the cluster name, identical on both nodes.
    ///   - incarnation: strictly greater than any earlier run's on this node, and not 0
    ///     (a heartbeat echoes 0 before it heard from us).
    ///   - links: 1…8 links with distinct ids, numbered as on the peer.
    ///   - settings: checked with `validate()`.
    /// - Throws: `MembershipError` naming the bad name, link list or setting.
    public init(
        node: String, peer: String, cluster: String, incarnation: UInt64,
        links: [LinkConfiguration], settings: MembershipSettings = MembershipSettings()
    ) throws(MembershipError) {
        try Heartbeat.validateName(node, field: "node name")
        try Heartbeat.validateName(peer, field: "peer name")
        try Heartbeat.validateName(cluster, field: "cluster name")
        guard node != peer else {
            throw .invalidName(field: "peer name", value: peer, reason: "is the same as this node's name")
        }
        guard (1...8).contains(links.count) else {
            throw .invalidLinks(reason: "\(links.count) links given; 1 to 8 are supported")
        }
        let sorted = links.sorted { $0.id < $1.id }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.id == b.id {
            throw .invalidLinks(reason: "\(a.id) is listed twice")
        }
        guard incarnation > 0 else {
            throw .invalidSetting(name: "incarnation", value: "0", reason: "must be positive: heartbeats echo 0 before they heard from us")
        }
        try settings.validate()
        self.node = node
        self.peer = peer
        self.cluster = cluster
        self.incarnation = incarnation
        self.settings = settings
        self.linkRecords = sorted.map { LinkRecord(status: LinkStatus(configuration: $0)) }
    }

    /// Every link's status, sorted by link id.
    public var links: [LinkStatus] { linkRecords.map(\.status) }

    /// The status of link `id`, or `nil` if it is not configured.
    public func link(_ id: LinkID) -> LinkStatus? {
        linkRecords.first { $0.status.id == id }?.status
    }

    /// Votes present: ours, plus the peer's while it is a member.
    public var votes: Int { peerState == .member ? 2 : 1 }

    /// Feeds one event and returns what the shell must do, in order.
    ///
    /// - Parameters:
    ///   - event: what happened.
    ///   - now: the shell's monotonic time; never earlier than in the previous call.
    /// - Returns: the directives; empty only for events before `.start` or a second `.start`.
    public mutating func handle(_ event: Event, now: Instant) -> [Directive] {
        if let lastNow {
            precondition(now >= lastNow, "membership time went backwards: \(now) after \(lastNow) (event \(event))")
        }
        lastNow = now
        var directives: [Directive] = []
        switch (event, startedAt) {
        case (.start, nil):
            startedAt = now
            nextSendAt = now
        case (_, nil), (.start, _):
            return directives  // not started, or started twice: nothing to do
        case (.tick, _):
            evaluate(now: now, into: &directives)
        case let (.heartbeat(heartbeat, link), _):
            evaluate(now: now, into: &directives)  // a late tick's timeouts come first
            receive(heartbeat, on: link, now: now)
        case let (.linkCarrier(link, up), _):
            evaluate(now: now, into: &directives)
            if let index = linkIndex(link) { linkRecords[index].status.carrierUp = up }
        case (.leave, _):
            evaluate(now: now, into: &directives)
            if !isLeaving {
                isLeaving = true
                leaveRoundsRemaining = settings.packetsPerInterval
                nextSendAt = now
            }
        }
        evaluate(now: now, into: &directives)
        sendDue(now: now, into: &directives)
        directives.append(.scheduleTick(after: nextTick(now: now)))
        return directives
    }

    func linkIndex(_ id: LinkID) -> Int? {
        linkRecords.firstIndex { $0.status.id == id }
    }
}

/// A link's status plus what only the instance needs.
struct LinkRecord: Sendable {
    var status: LinkStatus
    var window = ReplayWindow()
    var nextSequence: UInt64 = 1
    /// The highest (incarnation, sequence) accepted on this link: a jump beyond the next
    /// number means packets were lost.
    var highestSeen: (incarnation: UInt64, sequence: UInt64)?
}
