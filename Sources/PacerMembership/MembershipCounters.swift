// SPDX-License-Identifier: GPL-2.0-or-later
/// Running totals of one instance, for status display and logs.
public struct MembershipCounters: Sendable, Hashable {
    /// Heartbeats handed to the shell to send, over all links.
    public var heartbeatsSent = 0
    /// Heartbeats accepted from the peer, over all links.
    public var heartbeatsAccepted = 0
    /// Heartbeats rejected, per reason, over all links.
    public var rejections = RejectionCounts()
    /// Times the peer was seen restarting while a member (`.peerRestarted`).
    public var peerRestarts = 0

    public init() {}
}
