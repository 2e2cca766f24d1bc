// SPDX-License-Identifier: GPL-2.0-or-later
/// Why a decoded, authenticated heartbeat was not accepted.
public enum HeartbeatRejection: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// It arrived on a link the instance was not configured with.
    case unknownLink
    /// Its link id differs from the link it arrived on (links numbered differently on the two nodes).
    case linkMismatch
    /// It belongs to another cluster.
    case wrongCluster
    /// Its sender is not our peer (our own name means a reflected packet).
    case unknownSender
    /// Its incarnation is older than one already accepted: a packet from before a restart.
    case staleIncarnation
    /// Its sequence number was already accepted on this link: a duplicate or a replay.
    case duplicate
    /// Its sequence number is older than the replay window reaches: a late or replayed packet.
    case outsideWindow
    /// It does not echo our current incarnation: the peer has not heard this run of ours
    /// yet (normal for a round trip after either side starts), or it was recorded before
    /// this run started and is replayed.
    case staleEcho

    public var description: String {
        switch self {
        case .unknownLink: "unknown link"
        case .linkMismatch: "link id mismatch"
        case .wrongCluster: "wrong cluster"
        case .unknownSender: "unknown sender"
        case .staleIncarnation: "stale incarnation"
        case .duplicate: "duplicate"
        case .outsideWindow: "outside replay window"
        case .staleEcho: "stale echo"
        }
    }
}
