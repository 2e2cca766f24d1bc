// SPDX-License-Identifier: GPL-2.0-or-later
import PacerTransition
import PacerMembership
import PacerModel
import PacerWire
import Testing

/// Every message round-trips through its frame, field by field.
@Suite("wire messages")
struct WireMessageTests {
    static let request = ActionRequest(id: 42, operation: ResourceOperation(
        resource: "vip", task: "monitor", intervalMs: 10_000, node: "bravo",
        agent: ResourceAgent(resourceClass: "ocf", provider: "heartbeat", type: "IPaddr2"),
        parameters: [.init("ip", "192.0.2.10"), .init("cidr_netmask", "24"), .init("empty", ""), .init("OCF_CHECK_LEVEL", "10")],
        meta: [.init("on-fail", "restart")], timeoutMs: 20_000, expectedRC: 0, digest: "0123456789abcdef0123456789abcdef"))
    static let stonith = ActionRequest(id: 7, operation: ResourceOperation(
        resource: "fence", task: "start", intervalMs: 0, node: "alpha",
        agent: ResourceAgent(resourceClass: "stonith", provider: nil, type: "fence_dummy"),
        timeoutMs: 60_000, startDelayMs: 500))
    static let outcome = ActionOutcome(rc: 7, status: .timeout, exitReason: "timed out: \"x\"\n", execMs: 20_001)
    static let reloadable = ActionOutcome(rc: 0, forceRestart: ["state", "pidfile"])
    static let reloadsAll = ActionOutcome(rc: 0, forceRestart: [])
    static let status = DaemonStatus(
        node: "alpha", peer: "bravo", dc: "alpha", peerState: .member, hasQuorum: true, interval: .milliseconds(100),
        deadtime: .milliseconds(300), lastTransition: "none yet",
        links: [("link0", .up), ("link1", .late)],
        alerts: .init(finished: 3, failed: 1, running: 0, recent: [
            "mail to - (2 run, 1 failed), last at 10:11:12: node bravo lost -> rc=1", ""]))

    static let peerMessages: [PeerMessage] = [
        .cib("<cib epoch=\"1\"/>"), .cibAck(CIBVersion(adminEpoch: 0, epoch: 12, numUpdates: 3)),
        .exec(request), .exec(stonith), .result(id: .max, outcome), .startRecurring(request),
        .result(id: 1, reloadable), .result(id: 2, reloadsAll),
        .cancelRecurring(resource: "vip", intervalMs: nil), .cancelRecurring(resource: "vip", intervalMs: 10_000),
        .recurringFailed(request, outcome), .recurringFailed(stonith, ActionOutcome(rc: 0)),
        .shutdownRequest(node: "bravo"), .leaveOK(node: "bravo"),
        .edit(tag: "bravo-1", user: "root", .replaceConfiguration(base: CIBVersion(adminEpoch: 1, epoch: 2, numUpdates: 3),
                                                                   configuration: "<configuration/>")),
        .edit(tag: "bravo-2", user: "hacluster", .cleanup(resource: "vip", node: nil)),
        .edit(tag: "bravo-3", user: "root", .cleanup(resource: "vip", node: "alpha")),
        .edit(tag: "t", user: "u", .attribute(node: "alpha", name: "site", value: nil)),
        .edit(tag: "t", user: "u", .attribute(node: "alpha", name: "site", value: "")),
        .edit(tag: "t", user: "u", .attribute(node: "alpha", name: "site", value: "a=b")),
        .edit(tag: "t", user: "u", .clearState(node: "bravo")),
        .editReply(tag: "t", .applied(CIBVersion(adminEpoch: 0, epoch: 5, numUpdates: 0), awaitingPeer: true)),
        .editReply(tag: "t", .conflict("the configuration changed meanwhile")), .editReply(tag: "t", .refused("no")),
    ]

    static let requests: [DaemonRequest] = [
        .cib, .status, .reload(resource: "haproxy"),
        .edit(.replaceConfiguration(base: CIBVersion(adminEpoch: 0, epoch: 1, numUpdates: 0), configuration: "<configuration/>")),
        .edit(.cleanup(resource: "vip", node: nil)), .edit(.attribute(node: "alpha", name: "x", value: "1")),
    ]

    static let replies: [DaemonReply] = [
        .cib("<cib/>"), .status(cib: "<cib/>", status), .ok("0.5.0"), .notRunning("vip is not running on alpha"),
        .conflict("changed"), .error("permission denied"),
        .status(cib: "", DaemonStatus(node: "a", peer: "b", dc: "", peerState: .lost, hasQuorum: false, interval: .seconds(1),
                                      deadtime: .seconds(3), lastTransition: "", links: [], alerts: nil)),
    ]

    @Test("each peer message decodes from its frame to itself")
    func peerMessagesRoundTrip() throws {
        for message in Self.peerMessages {
            #expect(try PeerMessage(decoding: message.encoded) == message, "\(message.kind)")
        }
    }

    @Test("each request and reply between pacer and pacerd decodes to itself")
    func daemonMessagesRoundTrip() throws {
        for request in Self.requests { #expect(try DaemonRequest(decoding: request.encoded) == request) }
        for reply in Self.replies { #expect(try DaemonReply(decoding: reply.encoded) == reply) }
    }

    @Test("a frame of another version is refused whole, naming both versions")
    func otherVersionRefused() {
        var frame = PeerMessage.leaveOK(node: "bravo").encoded
        frame[0] = 2
        #expect(throws: WireError.version(found: 2)) { try PeerMessage(decoding: frame) }
        #expect(WireError.version(found: 2).description.contains("wire version 2, this node speaks version 1"))
        // The previous release's frames (a bare string list) read as version 0.
        #expect(throws: WireError.version(found: 0)) { try PeerMessage(decoding: WireStrings.encode(["leave-ok", "bravo"])) }
        #expect(throws: WireError.empty) { try DaemonRequest(decoding: [UInt8]()) }
    }

    @Test("a frame over the size limit is refused before it is read")
    func tooLarge() {
        let frame = [WireFrame.version] + [UInt8](repeating: 0, count: WireFrame.maxBytes)
        #expect(throws: WireError.tooLarge(bytes: WireFrame.maxBytes + 1)) { try DaemonReply(decoding: frame) }
    }

    @Test("missing, extra and meaningless fields are typed errors")
    func badFields() {
        #expect(throws: WireError.badField(kind: "cib-ack", field: "version", detail: "is missing")) {
            try PeerMessage(fields: ["cib-ack"])
        }
        #expect(throws: WireError.self) { try PeerMessage(fields: ["cib-ack", "1.2"]) }
        #expect(throws: WireError.self) { try PeerMessage(fields: ["cib-ack", "1.2.3.4"]) }
        #expect(throws: WireError.self) { try PeerMessage(fields: ["leave-ok", "bravo", "extra"]) }
        #expect(throws: WireError.unknownKind("hello")) { try PeerMessage(fields: ["hello"]) }
        #expect(throws: WireError.unknownKind("")) { try DaemonRequest(fields: []) }
        #expect(throws: WireError.unknownKind("rename")) { try DaemonRequest(fields: ["edit", "rename", "x"]) }
        #expect(throws: WireError.self) { try DaemonRequest(fields: ["reload"]) }
        var exec = PeerMessage.exec(Self.request).fields
        exec[5] = "ten seconds"
        #expect(throws: WireError.badField(kind: "exec", field: "interval", detail: "'ten seconds' is not a Int")) {
            try PeerMessage(fields: exec)
        }
        // A parameter count larger than what follows cannot make the decoder reserve memory for it.
        var lying = PeerMessage.exec(Self.stonith).fields
        lying[lying.count - 1] = String(Int.max)
        #expect(throws: WireError.self) { try PeerMessage(fields: lying) }
        lying[lying.count - 1] = "-1"
        #expect(throws: WireError.self) { try PeerMessage(fields: lying) }
    }

    @Test("status lines are the key=value lines pacer cluster show prints")
    func statusLines() {
        #expect(Self.status.lines == [
            "node=alpha", "peer=bravo", "dc=alpha", "peer-state=member", "quorum=true", "interval=0.1 seconds",
            "deadtime=0.3 seconds", "last-transition=none yet", "link=link0 up", "link=link1 late", "alerts=3 1 0",
            "alert=mail to - (2 run, 1 failed), last at 10:11:12: node bravo lost -> rc=1",
            "alert=",
        ])
    }
}
