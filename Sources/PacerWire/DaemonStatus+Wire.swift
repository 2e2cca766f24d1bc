// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerMembership

extension PeerState: WireField {}
extension LinkState: WireField {}

extension DaemonStatus: WireCodable {
    public static var wireBlank: DaemonStatus {
        DaemonStatus(node: "", peer: "", dc: "", peerState: .unknown, hasQuorum: false, interval: .zero, deadtime: .zero,
                     lastTransition: "", links: [], alerts: nil)
    }

    public static func code<Coder: WireCoder>(_ s: inout DaemonStatus, with c: inout Coder) throws(WireError) {
        try c.code(&s.node, "node")
        try c.code(&s.peer, "peer")
        try c.code(&s.dc, "dc")
        try c.code(&s.peerState, "peer-state")
        try c.code(&s.hasQuorum, "quorum")
        try c.code(&s.interval, "interval")
        try c.code(&s.deadtime, "deadtime")
        try c.code(&s.lastTransition, "last-transition")
        try c.code(&s.links, "links")
        // Optional: zero or one element.
        var alerts = s.alerts.map { [$0] } ?? []
        try c.code(&alerts, "alerts")
        guard alerts.count <= 1 else { throw .badField(kind: "status", field: "alerts", detail: "has \(alerts.count) entries") }
        s.alerts = alerts.first
    }
}

extension DaemonStatus.Link: WireCodable {
    public static var wireBlank: DaemonStatus.Link { .init(name: "", state: .down) }

    public static func code<Coder: WireCoder>(_ l: inout DaemonStatus.Link, with c: inout Coder) throws(WireError) {
        try c.code(&l.name, "link name")
        try c.code(&l.state, "link state")
    }
}

extension DaemonStatus.Alerts: WireCodable {
    public static var wireBlank: DaemonStatus.Alerts { .init(finished: 0, failed: 0, running: 0, recent: []) }

    public static func code<Coder: WireCoder>(_ a: inout DaemonStatus.Alerts, with c: inout Coder) throws(WireError) {
        try c.code(&a.finished, "alerts finished")
        try c.code(&a.failed, "alerts failed")
        try c.code(&a.running, "alerts running")
        try c.code(&a.recent, "alert runs")
    }
}
