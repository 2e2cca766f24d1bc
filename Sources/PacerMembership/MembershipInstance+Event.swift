// SPDX-License-Identifier: GPL-2.0-or-later
extension MembershipInstance {
    /// What the shell tells the instance.
    public enum Event: Sendable, Hashable {
        /// The process started: begin sending and start the `initdead` wait. Must come
        /// first; events before it are ignored.
        case start
        /// The timer set by the latest `.scheduleTick` fired.
        case tick
        /// A heartbeat arrived on `link`, already authenticated and decoded by the shell.
        case heartbeat(Heartbeat, link: LinkID)
        /// The shell saw carrier come or go on our interface of `link`.
        case linkCarrier(LinkID, up: Bool)
        /// We are shutting down gracefully: announce it for one interval, then `.leaveComplete`.
        case leave
    }

    /// What the instance asks of the shell, in the order it should be done.
    public enum Directive: Sendable, Hashable {
        /// Encode, authenticate and send this heartbeat on `link`.
        case send(Heartbeat, link: LinkID)
        /// Replace any pending timer by one firing `.tick` after this long.
        case scheduleTick(after: Duration)
        /// The peer's state changed.
        case peerChanged(from: PeerState, to: PeerState)
        /// A link's state changed.
        case linkChanged(LinkID, from: LinkState, to: LinkState)
        /// This node gained or lost quorum.
        case quorumChanged(hasQuorum: Bool)
        /// A member peer came back with a higher incarnation before `deadtime` ran out:
        /// it restarted, so its resources' state is unknown.
        case peerRestarted(incarnation: UInt64)
        /// The last leave announcement went out; the shell may stop.
        case leaveComplete
    }
}
