// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerMembership

/// What the local daemon knows beside the CIB, for `pacer status` (its "Pacer:" section) and
/// `pacer cluster show`: membership, interlinks, detection timing, the last transition and
/// alert runs.
public struct DaemonStatus: Sendable, Equatable {
    public var node: String
    public var peer: String
    /// The DC's name (empty while there is none).
    public var dc: String
    public var peerState: PeerState
    public var hasQuorum: Bool
    /// The heartbeat interval and dead time in force.
    public var interval: Duration
    public var deadtime: Duration
    /// The last transition's timeline, or "none yet".
    public var lastTransition: String
    public var links: [Link]
    /// Alert runs on this node; nil when no alert is configured and none ran.
    public var alerts: Alerts?

    public struct Link: Sendable, Equatable {
        public var name: String
        public var state: LinkState
    }

    public struct Alerts: Sendable, Equatable {
        public var finished: Int
        public var failed: Int
        public var running: Int
        /// The last run of each alert and recipient, as the daemon words it: "ID to RECIPIENT
        /// (N run, F failed), last at HH:MM:SS: EVENT -> RESULT" (its local time).
        public var recent: [String]
        public init(finished: Int, failed: Int, running: Int, recent: [String]) {
            self.finished = finished
            self.failed = failed
            self.running = running
            self.recent = recent
        }
    }

    public init(node: String, peer: String, dc: String, peerState: PeerState, hasQuorum: Bool, interval: Duration,
                deadtime: Duration, lastTransition: String, links: [(name: String, state: LinkState)], alerts: Alerts?) {
        self.node = node
        self.peer = peer
        self.dc = dc
        self.peerState = peerState
        self.hasQuorum = hasQuorum
        self.interval = interval
        self.deadtime = deadtime
        self.lastTransition = lastTransition
        self.links = links.map { Link(name: $0.name, state: $0.state) }
        self.alerts = alerts
    }

    /// `key=value` lines, as `pacer cluster show` prints them.
    public var lines: [String] {
        var lines = ["node=\(node)", "peer=\(peer)", "dc=\(dc)", "peer-state=\(peerState)", "quorum=\(hasQuorum)",
                     "interval=\(interval)", "deadtime=\(deadtime)", "last-transition=\(lastTransition)"]
        lines += links.map { "link=\($0.name) \($0.state)" }
        if let alerts {
            lines.append("alerts=\(alerts.finished) \(alerts.failed) \(alerts.running)")
            lines += alerts.recent.map { "alert=\($0)" }
        }
        return lines
    }
}
