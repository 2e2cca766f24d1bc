// SPDX-License-Identifier: GPL-2.0-or-later
import Logging
import PacerConfig
import PacerCIB
import PacerController
import PacerTransition
import PacerExecutor
import PacerHeartbeat
import PacerCrypto
import PacerIPC
import PacerMembership
import PacerModel
import PacerWire
import PacerXML
import CPacerSys
#if canImport(Glibc)
import Glibc
import PacerEventLoop
#endif

/// Signals, leaving, and membership: what the heartbeats and the peer channel say, told to the controller.
extension Daemon {
    // MARK: - Signals

    func watchSignals() throws -> Int32 {
        let fd = pacer_termination_signalfd()
        guard fd >= 0 else { throw DaemonError("signalfd: \(String(cString: strerror(errno)))") }
        try loop.watch(fd: fd) { [unowned self] in
            while pacer_read_signal(fd) > 0 { self.shutdownRequested() }
        }
        return fd
    }

    /// Announces our departure; from now on this node only waits for the announcement to finish.
    func depart() {
        guard !departed else { return }
        departed = true
        logger.notice("Resources handed over; leaving the cluster", metadata: ["node": "\(node)"])
        heartbeat.leave()
    }

    /// A graceful stop hands the resources over first (as `systemctl stop pacemaker` does).
    func shutdownRequested() {
        if leaving {
            logger.warning("Second stop signal: leaving now", metadata: ["node": "\(node)"])
            depart()
            return
        }
        leaving = true
        logger.notice("Shutting down: moving resources away first", metadata: ["node": "\(node)"])
        if controller.isDC {
            apply(controller.handle(.shutdown(node: node), now: Self.epochSeconds()))
        } else if !peerLink.send(.shutdownRequest(node: node)) {
            depart()
        }
    }

    /// Membership is the heartbeats' word. A peer *becomes* a member for the controller once
    /// heartbeats say so and the peer channel is up too (it connects moments after the first
    /// heartbeat), so work is only sent to a peer that can receive it; it *stays* one while
    /// its heartbeats authenticate, whatever happens to the channel: a lost TCP connection
    /// is a degraded link (reported, redialed, actions for the peer retried), never a lost
    /// peer — or anyone able to reset a TCP connection could split the pair.
    func reportMembership() {
        let instance = heartbeat.instance
        // Nothing is reported before membership has spoken (the peer seen, or initdead passed),
        // and a member peer whose link is not up yet is "not yet known" rather than gone.
        if instance.peerState == .unknown { return }
        if instance.peerState == .member && !peerLink.isConnected && !controller.membershipKnown { return }
        let member = instance.peerState == .member && (peerLink.isConnected || controller.peerMember)
        if member != controller.peerMember || instance.hasQuorum != controller.hasQuorum || !controller.membershipKnown {
            apply(controller.handle(.membership(peerMember: member, hasQuorum: instance.hasQuorum), now: Self.epochSeconds()))
            if controller.awaitingPeerCIBSince != nil {
                // Should the peer's CIB never come, schedule on ours once the join timeout passed.
                loop.addTimer(after: .seconds(Int64(ControllerInstance.joinTimeout) + 1)) { [weak self] in
                    guard let self else { return }
                    self.apply(self.controller.handle(.recheck, now: Self.epochSeconds()))
                }
            }
        }
    }

    /// The peer channel went down. While the peer's heartbeats authenticate it is still a
    /// member: say so, and give up on the requests it had (their results cannot come back on
    /// this connection; the next transition asks again once the channel is back).
    func peerChannelLost() {
        let alive = heartbeat.instance.peerState == .member
        logger.warning(alive ? "Peer channel down while heartbeats flow: degraded, redialing" : "Peer disconnected",
                       metadata: ["peer": "\(peer)"])
        for request in controller.inFlight where request.node == peer {
            apply(controller.handle(.actionLost(request), now: Self.epochSeconds()))
        }
        if alive {
            loop.addTimer(after: .milliseconds(500)) { [weak self] in
                guard let self else { return }
                self.apply(self.controller.handle(.recheck, now: Self.epochSeconds()))
            }
        } else {
            noteTrigger("peer \(peer) disconnected")
        }
        reportMembership()
        resumeShutdownIfDC()
        answerEdits()   // no peer to wait for now
    }

    /// A node that is leaving and becomes DC (its peer left first) must record its own
    /// shutdown, or it would restart what the old DC stopped for it.
    func resumeShutdownIfDC() {
        guard leaving, controller.isDC, !controller.shuttingDown else { return }
        apply(controller.handle(.shutdown(node: node), now: Self.epochSeconds()))
    }

    // MARK: - Membership

    func membershipChanged(_ directive: MembershipInstance.Directive) {
        defer { resumeShutdownIfDC() }
        let instance = heartbeat.instance
        switch directive {
        case .peerChanged(let from, let to):
            logger.notice("Peer state changed", metadata: ["peer": "\(peer)", "from": "\(from)", "to": "\(to)"])
            noteTrigger("peer \(peer) \(to)")
            alertPeerChanged(from: from, to: to)
            reportMembership()
        case .quorumChanged(let quorum):
            logger.notice("Quorum changed", metadata: ["quorum": "\(quorum)"])
            reportMembership()
        case .peerRestarted(let incarnation):
            logger.notice("Peer restarted", metadata: ["peer": "\(peer)", "incarnation": "\(incarnation)"])
            // Whatever it ran before is unknown: treat it as having left and rejoined.
            apply(controller.handle(.membership(peerMember: false, hasQuorum: instance.hasQuorum), now: Self.epochSeconds()))
            apply(controller.handle(.membership(peerMember: true, hasQuorum: instance.hasQuorum), now: Self.epochSeconds()))
        case .linkChanged(let link, let from, let to):
            logger.notice("Link state changed", metadata: ["link": "\(link)", "from": "\(from)", "to": "\(to)"])
        case .leaveComplete:
            loop.stop()
        default:
            break
        }
    }
}
