// SPDX-License-Identifier: GPL-2.0-or-later
/// The health of one link as seen from this node, tracked apart from the peer's state.
public enum LinkState: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A valid heartbeat arrived on this link within `warntime`.
    case up
    /// Silent for `warntime` but not yet `deadtime`: worth a warning, not an action.
    case late
    /// Silent for `deadtime`, never heard from, or without carrier.
    case down

    public var description: String { rawValue }
}
