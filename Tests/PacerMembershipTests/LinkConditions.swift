// SPDX-License-Identifier: GPL-2.0-or-later
import PacerMembership

/// How a simulated link treats packets in one direction.
struct LinkConditions: Sendable {
    /// Probability that a packet is dropped.
    var loss = 0.0
    /// Each copy is delayed by a uniformly random time in this range; a wide range reorders.
    var delay: ClosedRange<Duration> = .milliseconds(1) ... .milliseconds(1)
    /// Probability that a packet is delivered twice (each copy with its own delay).
    var duplication = 0.0
    /// Whether the link is cut: nothing gets through.
    var isCut = false

    static let perfect = LinkConditions()

    /// The lossy network of the issue: 30 % loss, 1–50 ms delay (packets 20 ms apart
    /// overtake each other), 5 % duplicates.
    static let lossy = LinkConditions(loss: 0.3, delay: .milliseconds(1) ... .milliseconds(50), duplication: 0.05)
}
