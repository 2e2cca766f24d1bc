// SPDX-License-Identifier: GPL-2.0-or-later
extension MembershipInstance {
    /// Accepts a heartbeat from the peer or counts why not, updating the peer's state.
    ///
    /// Checks, in order: known link, link id matches the arrival link, our cluster,
    /// sender is the peer (our own name means a reflected packet), incarnation not
    /// older than the newest heard (on any link), it echoes our current incarnation,
    /// then the link's `ReplayWindow`. Windows are per link because the sender numbers
    /// each link separately: a slow link must not be judged by a fast one's window,
    /// and a packet cannot be replayed on another link because the authenticated link
    /// id must match.
    ///
    /// The echo is what makes a restart safe: our new run's windows are empty and
    /// would take any packet once, but a packet recorded before this run started
    /// cannot echo an incarnation that did not exist yet. A packet that passes every
    /// check but the echo still teaches us a newer peer incarnation (our heartbeats
    /// echo it from then on). A newer peer incarnation, echoing ours or not, is answered
    /// at once rather than at the next send slot: the peer waits for our echo of it, so
    /// a join takes three one-way delays instead of one.
    mutating func receive(_ heartbeat: Heartbeat, on link: LinkID, now: Instant) {
        guard let index = linkIndex(link) else {
            counters.rejections.record(.unknownLink)
            return
        }
        if let rejection = rejection(of: heartbeat, on: link, index: index, now: now) {
            counters.rejections.record(rejection)
            linkRecords[index].status.rejections.record(rejection)
            return
        }
        counters.heartbeatsAccepted += 1
        linkRecords[index].status.accepted += 1
        linkRecords[index].status.lastHeard = now
        if let highest = linkRecords[index].highestSeen, highest.incarnation == heartbeat.incarnation {
            if heartbeat.sequence > highest.sequence + 1 { lossNoticedAt = now }
            if heartbeat.sequence > highest.sequence { linkRecords[index].highestSeen = (heartbeat.incarnation, heartbeat.sequence) }
        } else {
            linkRecords[index].highestSeen = (heartbeat.incarnation, heartbeat.sequence)
        }
        peerReportsLoss = heartbeat.reportsLoss
        peerLastHeard = now
        let restarted = peerIncarnation.map { heartbeat.incarnation > $0 } ?? false
        peerIncarnation = heartbeat.incarnation
        peerSeesUs = heartbeat.seesRecipientAsMember
        peerHasQuorum = heartbeat.hasQuorum
        if heartbeat.isLeaving {
            leftIncarnation = heartbeat.incarnation
            peerState = .left
        } else if peerState == .left && heartbeat.incarnation == leftIncarnation {
            // Sent before the leave announcement and overtaken by it: the peer is still leaving.
        } else if peerState == .member {
            if restarted {
                pendingRestart = heartbeat.incarnation
                counters.peerRestarts += 1
            }
        } else {
            peerState = .member
            hasSeenPeer = true
        }
    }

    /// Why `heartbeat` is not accepted, or `nil`; remembers a newer peer incarnation it heard.
    private mutating func rejection(of heartbeat: Heartbeat, on link: LinkID, index: Int, now: Instant) -> HeartbeatRejection? {
        if heartbeat.link != link { return .linkMismatch }
        if heartbeat.cluster != cluster { return .wrongCluster }
        if heartbeat.sender != peer { return .unknownSender }
        // An authentic packet of incarnation n proves every older incarnation of the peer ended.
        if let newest = heardPeerIncarnation, heartbeat.incarnation < newest { return .staleIncarnation }
        if heartbeat.incarnation != heardPeerIncarnation {
            heardPeerIncarnation = heartbeat.incarnation
            nextSendAt = min(nextSendAt, now)  // echo it at once: the peer waits for that to accept ours
        }
        if heartbeat.echoedIncarnation != incarnation { return .staleEcho }
        return linkRecords[index].window.accept(incarnation: heartbeat.incarnation, sequence: heartbeat.sequence)
    }
}
