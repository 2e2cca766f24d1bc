// SPDX-License-Identifier: GPL-2.0-or-later
/// How many heartbeats were rejected, per reason.
public struct RejectionCounts: Sendable, Hashable, CustomStringConvertible {
    private var counts = [Int](repeating: 0, count: HeartbeatRejection.allCases.count)

    public init() {}

    /// The number rejected for `reason`.
    public subscript(reason: HeartbeatRejection) -> Int {
        counts[reason.rawValue]
    }

    /// All rejections together.
    public var total: Int { counts.reduce(0, +) }

    /// Counts one more rejection for `reason`.
    public mutating func record(_ reason: HeartbeatRejection) {
        counts[reason.rawValue] += 1
    }

    /// The non-zero counts in the declaration order of `HeartbeatRejection`, e.g.
    /// `duplicate=3 outside replay window=1`, or `none`.
    public var description: String {
        let parts = HeartbeatRejection.allCases.filter { self[$0] > 0 }.map { "\($0)=\(self[$0])" }
        return parts.isEmpty ? "none" : parts.joined(separator: " ")
    }
}
