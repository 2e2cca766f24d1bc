// SPDX-License-Identifier: GPL-2.0-or-later
/// Anti-replay check for one sender on one link, as IPsec's sliding bitmap (RFC 4303 §3.4.3).
///
/// Guarantees: a `(incarnation, sequence)` pair is accepted at most once; a packet
/// of an older incarnation than the newest accepted is never accepted; within an
/// incarnation, packets up to `size - 1` behind the highest accepted sequence are
/// accepted once each, in any order, older ones are rejected. A higher incarnation
/// starts a fresh window. Rejections are counted by reason.
///
/// A new window (this node restarted) takes a packet of any incarnation once: on its
/// own it cannot tell a recording from a live peer. `MembershipInstance` therefore
/// passes it only packets that echo the instance's own current incarnation, which
/// no packet recorded before that incarnation started can do.
public struct ReplayWindow: Sendable, Hashable {
    /// How many sequence numbers the window remembers (the bitmap's width).
    public static let size: UInt64 = 64

    /// The newest incarnation accepted, `nil` before the first packet.
    public private(set) var incarnation: UInt64?
    /// The highest sequence accepted in `incarnation`.
    public private(set) var highestSequence: UInt64 = 0
    /// Rejections so far: only `.staleIncarnation`, `.duplicate` and `.outsideWindow` occur.
    public private(set) var rejections = RejectionCounts()
    /// Bit i set: `highestSequence - i` was accepted.
    private var seen: UInt64 = 0

    public init() {}

    /// Accepts the packet and remembers it, or says why not.
    ///
    /// - Returns: `nil` when accepted, else the reason it was rejected (also counted).
    public mutating func accept(incarnation: UInt64, sequence: UInt64) -> HeartbeatRejection? {
        let verdict = check(incarnation: incarnation, sequence: sequence)
        if let verdict { rejections.record(verdict) }
        return verdict
    }

    private mutating func check(incarnation: UInt64, sequence: UInt64) -> HeartbeatRejection? {
        guard let current = self.incarnation, incarnation <= current else {
            self.incarnation = incarnation
            highestSequence = sequence
            seen = 1
            return nil
        }
        guard incarnation == current else { return .staleIncarnation }
        if sequence > highestSequence {
            let shift = sequence - highestSequence
            seen = shift >= ReplayWindow.size ? 1 : seen << shift | 1
            highestSequence = sequence
            return nil
        }
        let age = highestSequence - sequence
        guard age < ReplayWindow.size else { return .outsideWindow }
        let bit: UInt64 = 1 << age
        guard seen & bit == 0 else { return .duplicate }
        seen |= bit
        return nil
    }
}
