// SPDX-License-Identifier: GPL-2.0-or-later
/// One heartbeat link as the instance is told about it.
public struct LinkConfiguration: Sendable, Hashable {
    /// The link's number, identical on both nodes.
    public var id: LinkID
    /// Whether the link is a direct cable between the two nodes (no switch).
    ///
    /// Only then does loss of carrier say something about the peer: the far end of
    /// the cable went dark. On a switched link carrier loss only concerns our own port.
    public var isDirectCable: Bool

    public init(id: LinkID, isDirectCable: Bool = false) {
        self.id = id
        self.isDirectCable = isDirectCable
    }
}
