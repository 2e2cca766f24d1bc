// SPDX-License-Identifier: GPL-2.0-or-later
/// What one node believes about its peer.
public enum PeerState: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Not heard from since start, and `initdead` has not yet run out.
    case unknown
    /// Heard from within `deadtime` on at least one link.
    case member
    /// Silent for `deadtime` on every link (or `initdead` passed without a word):
    /// the peer crashed or is cut off, and its resources' state is unknown.
    case lost
    /// Announced a graceful shutdown; its resources were handed over first.
    case left

    public var description: String { rawValue }
}
