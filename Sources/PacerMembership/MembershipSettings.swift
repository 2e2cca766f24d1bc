// SPDX-License-Identifier: GPL-2.0-or-later
/// Timing and quorum options of two-node membership, with Heartbeat's and votequorum's meaning.
///
/// Defaults: `interval` 100 ms, `packetsPerInterval` 5 (one packet per link every
/// 20 ms) while packets are being lost and `quietPacketsPerInterval` 2 (every 50 ms)
/// otherwise, `deadtime` 3 × interval = 300 ms, `warntime` deadtime / 2 (Heartbeat's
/// default), `initdead` max(2 s, deadtime), `twoNode` and `waitForAll` on, 2 expected
/// votes. Several packets per interval make a lossy link still deliver: at 30 % loss
/// all 15 packets of one 300 ms deadtime are lost with probability 0.3¹⁵ ≈ 1.4e-8.
/// A node that notices a gap in the sequence numbers (or a late link) says so in its
/// heartbeats for `lossHoldoff` (10 s), and its peer sends at the full rate meanwhile;
/// a quiet network costs 2/5 of the packets (each one is authenticated: CPU at idle), and
/// with two links the quiet packets are shared between them (one per link per interval).
/// Both nodes must use identical settings. Call `validate()` (the instance does).
public struct MembershipSettings: Sendable, Hashable {
    /// Heartbeat period; `packetsPerInterval` packets go out on each link per period.
    public var interval: Duration
    /// Silence on every link after which the peer is lost (corosync's token timeout).
    public var deadtime: Duration
    /// Heartbeats sent per `interval` on each link, evenly spaced, while loss is reported.
    public var packetsPerInterval: Int
    /// Heartbeats per `interval` on each link while no loss is reported (at most `packetsPerInterval`).
    public var quietPacketsPerInterval: Int
    /// How long a noticed loss keeps both sides at the full rate.
    public var lossHoldoff: Duration
    /// Silence after which a link is reported `late` (Heartbeat's `warntime`).
    public var warntime: Duration
    /// At start-up, how long to wait for the peer before deciding it is absent.
    public var initdead: Duration
    /// votequorum `two_node`: one node keeps quorum when its peer is lost.
    public var twoNode: Bool
    /// votequorum `wait_for_all`: after start, no quorum until the peer was seen once.
    public var waitForAll: Bool
    /// votequorum `expected_votes`: 2 for two nodes of one vote each.
    public var expectedVotes: Int

    /// Settings with the given values; `nil` timings are derived from `interval` as the
    /// type's summary says.
    public init(
        interval: Duration = .milliseconds(100),
        deadtime: Duration? = nil,
        packetsPerInterval: Int = 5,
        quietPacketsPerInterval: Int = 2,
        lossHoldoff: Duration = .seconds(10),
        warntime: Duration? = nil,
        initdead: Duration? = nil,
        twoNode: Bool = true,
        waitForAll: Bool = true,
        expectedVotes: Int = 2
    ) {
        let deadtime = deadtime ?? interval * 3
        self.interval = interval
        self.deadtime = deadtime
        self.packetsPerInterval = packetsPerInterval
        self.quietPacketsPerInterval = min(quietPacketsPerInterval, packetsPerInterval)
        self.lossHoldoff = lossHoldoff
        self.warntime = warntime ?? deadtime / 2
        self.initdead = initdead ?? max(.seconds(2), deadtime)
        self.twoNode = twoNode
        self.waitForAll = waitForAll
        self.expectedVotes = expectedVotes
    }

    /// The time between two packets on one link at the full rate: `interval / packetsPerInterval`.
    public var sendSlot: Duration {
        interval / max(packetsPerInterval, 1)
    }

    /// The time between two packets on one link on a quiet network: `interval / quietPacketsPerInterval`.
    ///
    /// Failure detection happens at most one quiet send slot after `deadtime` (measured
    /// from the peer's last packet before it died).
    public var quietSendSlot: Duration {
        interval / max(quietPacketsPerInterval, 1)
    }

    /// The votes needed for quorum: 1 with `twoNode`, else more than half of `expectedVotes`.
    public var quorumThreshold: Int {
        twoNode ? 1 : expectedVotes / 2 + 1
    }

    /// Checks every setting and their relations.
    ///
    /// - Throws: `MembershipError.invalidSetting` naming the first bad setting, its
    ///   value and the rule it breaks.
    public func validate() throws(MembershipError) {
        func fail(_ name: String, _ value: Duration, _ reason: String) -> MembershipError {
            .invalidSetting(name: name, value: value.compactDescription, reason: reason)
        }
        guard interval > .zero else { throw fail("interval", interval, "must be positive") }
        guard (1...1000).contains(packetsPerInterval) else {
            throw .invalidSetting(name: "packetsPerInterval", value: String(packetsPerInterval), reason: "must be between 1 and 1000")
        }
        guard (1...packetsPerInterval).contains(quietPacketsPerInterval) else {
            throw .invalidSetting(name: "quietPacketsPerInterval", value: String(quietPacketsPerInterval),
                                  reason: "must be between 1 and packetsPerInterval (\(packetsPerInterval))")
        }
        guard sendSlot >= .milliseconds(1) else {
            throw fail("interval", interval, "divided by packetsPerInterval \(packetsPerInterval) gives a send slot of \(sendSlot.compactDescription); it must be at least 1ms")
        }
        guard deadtime > interval else {
            throw fail("deadtime", deadtime, "must exceed interval (\(interval.compactDescription)), else the peer is declared lost between two heartbeats")
        }
        guard deadtime <= .seconds(3600) else { throw fail("deadtime", deadtime, "must be at most 1 hour") }
        guard warntime > quietSendSlot else {
            throw fail("warntime", warntime, "must exceed the quiet send slot (\(quietSendSlot.compactDescription)), else links are reported late between two packets")
        }
        guard warntime < deadtime else {
            throw fail("warntime", warntime, "must be less than deadtime (\(deadtime.compactDescription)), else a link is never late before it is down")
        }
        guard initdead >= deadtime else {
            throw fail("initdead", initdead, "must be at least deadtime (\(deadtime.compactDescription))")
        }
        guard initdead <= .seconds(3600) else { throw fail("initdead", initdead, "must be at most 1 hour") }
        guard (1...2).contains(expectedVotes) else {
            throw .invalidSetting(name: "expectedVotes", value: String(expectedVotes), reason: "must be 1 or 2 in a two-node cluster")
        }
        guard !twoNode || expectedVotes == 2 else {
            throw .invalidSetting(name: "expectedVotes", value: String(expectedVotes), reason: "must be 2 with twoNode, as votequorum requires")
        }
    }
}
