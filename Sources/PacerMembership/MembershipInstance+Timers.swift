// SPDX-License-Identifier: GPL-2.0-or-later
extension MembershipInstance {
    /// Applies timeouts at `now` and reports every state that differs from the last report.
    mutating func evaluate(now: Instant, into directives: inout [Directive]) {
        for index in linkRecords.indices {
            let old = linkRecords[index].status.state
            let new = linkState(linkRecords[index].status, now: now)
            if new != old {
                if new != .up { lossNoticedAt = now }
                linkRecords[index].status.state = new
                directives.append(.linkChanged(linkRecords[index].status.id, from: old, to: new))
            }
        }
        if peerHasTimedOut(now: now) {
            peerState = .lost
            peerSeesUs = false
            peerHasQuorum = false
        }
        if peerState != reportedPeerState {
            directives.append(.peerChanged(from: reportedPeerState, to: peerState))
            reportedPeerState = peerState
        }
        if let incarnation = pendingRestart {
            directives.append(.peerRestarted(incarnation: incarnation))
            pendingRestart = nil
        }
        let quorate = startedAt != nil && (!settings.waitForAll || hasSeenPeer) && votes >= settings.quorumThreshold
        if quorate != hasQuorum {
            hasQuorum = quorate
            directives.append(.quorumChanged(hasQuorum: quorate))
        }
    }

    /// Up within `warntime` of the last heartbeat, late until `deadtime`, then down;
    /// down without carrier or before any heartbeat.
    func linkState(_ link: LinkStatus, now: Instant) -> LinkState {
        guard link.carrierUp, let last = link.lastHeard else { return .down }
        let silence = now - last
        if silence >= settings.deadtime { return .down }
        if silence >= settings.warntime { return .late }
        return .up
    }

    /// Whether a direct-cable link has lost carrier: evidence the peer's end went dark.
    var directCableIsDark: Bool {
        linkRecords.contains { $0.status.configuration.isDirectCable && !$0.status.carrierUp }
    }

    /// The silence after which a member peer is lost: `deadtime`, or `warntime` while a
    /// direct cable is dark (never carrier alone: the silence on every link must agree).
    var peerDeadline: Duration {
        directCableIsDark ? settings.warntime : settings.deadtime
    }

    func peerHasTimedOut(now: Instant) -> Bool {
        switch peerState {
        case .member:
            guard let last = peerLastHeard else { return false }
            return now - last >= peerDeadline
        case .unknown:
            guard let started = startedAt else { return false }
            return now - started >= settings.initdead
        case .lost, .left:
            return false
        }
    }

    /// Sends one heartbeat per link when a round is due, and announces leaving.
    mutating func sendDue(now: Instant, into directives: inout [Directive]) {
        guard now >= nextSendAt, !isLeaving || leaveRoundsRemaining > 0 else { return }
        for index in linkRecords.indices {
            let heartbeat = Heartbeat(
                sender: node, cluster: cluster, incarnation: incarnation,
                sequence: linkRecords[index].nextSequence, link: linkRecords[index].status.id,
                echoedIncarnation: heardPeerIncarnation ?? 0, seesRecipientAsMember: peerState == .member, hasQuorum: hasQuorum, isLeaving: isLeaving,
                reportsLoss: within(settings.lossHoldoff, of: lossNoticedAt, now: now))
            linkRecords[index].nextSequence += 1
            counters.heartbeatsSent += 1
            directives.append(.send(heartbeat, link: heartbeat.link))
        }
        // Keep the slot grid; after a stall, restart it from now rather than burst.
        let slot = sendSlot(now: now)
        nextSendAt = nextSendAt + slot
        if nextSendAt <= now { nextSendAt = now + slot }
        if isLeaving {
            leaveRoundsRemaining -= 1
            if leaveRoundsRemaining == 0 { directives.append(.leaveComplete) }
        }
    }

    /// The full rate while either side has lately lost packets, while the peer is not (yet)
    /// a member, while a new peer incarnation has yet to echo ours and while leaving; the
    /// quiet rate otherwise.
    func sendSlot(now: Instant) -> Duration {
        let lossy = within(settings.lossHoldoff, of: lossNoticedAt, now: now) || peerReportsLoss
        let awaitingEcho = heardPeerIncarnation != peerIncarnation
        return lossy || peerState != .member || awaitingEcho || isLeaving ? settings.sendSlot : quietSlot
    }

    /// On a quiet network the quiet packets of an interval are spread over the links (with
    /// the interlink and the data network, one per link per interval): the peer is lost only
    /// when every link is silent, so the total is what counts. Never slower than one per
    /// interval, and only while a link is still heard before `warntime`.
    public var quietSlot: Duration {
        let perLink = max(1, settings.quietPacketsPerInterval / max(1, linkRecords.count))
        let spread = settings.interval / perLink
        return spread < settings.warntime ? max(spread, settings.quietSendSlot) : settings.quietSendSlot
    }

    func within(_ span: Duration, of instant: Instant?, now: Instant) -> Bool {
        instant.map { now - $0 < span } ?? false
    }

    /// Time until the earliest of: next send, a link's warn or dead deadline, the
    /// peer's deadline, the end of `initdead`. One interval if nothing is pending.
    func nextTick(now: Instant) -> Duration {
        var earliest: Instant?
        func consider(_ instant: Instant) {
            if instant > now, earliest.map({ instant < $0 }) ?? true { earliest = instant }
        }
        if !isLeaving || leaveRoundsRemaining > 0 { consider(max(nextSendAt, now + .nanoseconds(1))) }
        for record in linkRecords where record.status.carrierUp {
            if let last = record.status.lastHeard {
                consider(last + settings.warntime)
                consider(last + settings.deadtime)
            }
        }
        switch peerState {
        case .member:
            if let last = peerLastHeard { consider(last + peerDeadline) }
        case .unknown:
            if let started = startedAt { consider(started + settings.initdead) }
        case .lost, .left:
            break
        }
        guard let earliest else { return settings.interval }
        return earliest - now
    }
}
