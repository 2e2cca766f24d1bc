// SPDX-License-Identifier: GPL-2.0-or-later
/// The number of one heartbeat link (knet calls it a link number; at most 8 per node pair).
///
/// Both nodes must number the same physical path alike: the id travels in every
/// heartbeat and a packet whose id differs from the link it arrived on is rejected.
public struct LinkID: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public init(integerLiteral value: UInt8) {
        self.rawValue = value
    }

    public static func < (lhs: LinkID, rhs: LinkID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// `link0`, `link1`, … as corosync-cfgtool names them.
    public var description: String { "link\(rawValue)" }
}
