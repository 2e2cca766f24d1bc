// SPDX-License-Identifier: GPL-2.0-or-later
/// One link as this node sees it, for status display.
public struct LinkStatus: Sendable, Hashable {
    /// The link's configuration.
    public var configuration: LinkConfiguration
    /// Up, late or down.
    public var state: LinkState = .down
    /// Whether the shell last reported carrier on our interface (assumed until told otherwise).
    public var carrierUp = true
    /// When the last valid heartbeat arrived on this link, `nil` if none yet.
    public var lastHeard: Instant?
    /// Heartbeats accepted on this link.
    public var accepted = 0
    /// Heartbeats rejected on this link, per reason.
    public var rejections = RejectionCounts()

    /// The link's id.
    public var id: LinkID { configuration.id }

    public init(configuration: LinkConfiguration) {
        self.configuration = configuration
    }
}
