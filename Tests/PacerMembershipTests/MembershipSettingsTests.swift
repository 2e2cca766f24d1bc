// SPDX-License-Identifier: GPL-2.0-or-later
import PacerMembership
import Testing

@Suite("MembershipSettings")
struct MembershipSettingsTests {
    @Test("defaults: 100ms interval, 5 packets, 300ms deadtime, 150ms warntime, 2s initdead, two_node and wait_for_all")
    func defaults() throws {
        let settings = MembershipSettings()
        #expect(settings.interval == .milliseconds(100))
        #expect(settings.packetsPerInterval == 5)
        #expect(settings.quietPacketsPerInterval == 2)
        #expect(settings.quietSendSlot == .milliseconds(50))
        #expect(settings.sendSlot == .milliseconds(20))
        #expect(settings.deadtime == .milliseconds(300))
        #expect(settings.warntime == .milliseconds(150))
        #expect(settings.initdead == .seconds(2))
        #expect(settings.twoNode && settings.waitForAll && settings.expectedVotes == 2)
        #expect(settings.quorumThreshold == 1)
        try settings.validate()
    }

    @Test("deadtime is derived from interval unless given")
    func derivedDeadtime() {
        let settings = MembershipSettings(interval: .seconds(1))
        #expect(settings.deadtime == .seconds(3))
        #expect(settings.warntime == .milliseconds(1500))
        #expect(settings.initdead == .seconds(3))
    }

    @Test("validation names the setting, its value and the rule", arguments: [
        (MembershipSettings(interval: .milliseconds(100), deadtime: .milliseconds(100)),
         "invalid membership setting deadtime=100ms: must exceed interval (100ms), else the peer is declared lost between two heartbeats"),
        (MembershipSettings(interval: .zero), "invalid membership setting interval=0ns: must be positive"),
        (MembershipSettings(packetsPerInterval: 0), "invalid membership setting packetsPerInterval=0: must be between 1 and 1000"),
        (MembershipSettings(interval: .milliseconds(10), packetsPerInterval: 20),
         "invalid membership setting interval=10ms: divided by packetsPerInterval 20 gives a send slot of 500us; it must be at least 1ms"),
        (MembershipSettings(warntime: .milliseconds(300)),
         "invalid membership setting warntime=300ms: must be less than deadtime (300ms), else a link is never late before it is down"),
        (MembershipSettings(warntime: .milliseconds(10)),
         "invalid membership setting warntime=10ms: must exceed the quiet send slot (50ms), else links are reported late between two packets"),
        (MembershipSettings(initdead: .milliseconds(200)), "invalid membership setting initdead=200ms: must be at least deadtime (300ms)"),
        (MembershipSettings(expectedVotes: 3), "invalid membership setting expectedVotes=3: must be 1 or 2 in a two-node cluster"),
        (MembershipSettings(twoNode: true, expectedVotes: 1), "invalid membership setting expectedVotes=1: must be 2 with twoNode, as votequorum requires"),
    ])
    func validationMessages(settings: MembershipSettings, message: String) {
        #expect {
            try settings.validate()
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test("without two_node, quorum needs both votes")
    func thresholdWithoutTwoNode() throws {
        let settings = MembershipSettings(twoNode: false)
        try settings.validate()
        #expect(settings.quorumThreshold == 2)
        #expect(MembershipSettings(twoNode: false, expectedVotes: 1).quorumThreshold == 1)
    }
}
