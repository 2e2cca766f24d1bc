// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerController
import PacerTransition
import PacerModel
import PacerXML
import Testing

/// Two controllers and a model of the agents, with no I/O: what the DC asks for and in which order.
struct SimulatedPair {
    var nodes: [String: ControllerInstance]
    /// Which resources run on which node (the agents' view).
    var running: [String: Set<String>] = ["alpha": [], "bravo": []]
    var executed: [ActionRequest] = []
    var recurring: [String: [ActionRequest]] = ["alpha": [], "bravo": []]
    var members: Set<String> = ["alpha", "bravo"]
    var now = 1_800_000_000
    var settled = false

    init(cib: XMLElement) {
        let ids = ["alpha": "1", "bravo": "2"]
        nodes = ["alpha": ControllerInstance(localNode: "alpha", peerNode: "bravo", nodeIDs: ids, cib: cib),
                 "bravo": ControllerInstance(localNode: "bravo", peerNode: "alpha", nodeIDs: ids, cib: cib)]
    }

    mutating func send(_ event: ControllerInstance.Event, to node: String) {
        guard members.contains(node) else { return }
        var queue: [(String, ControllerInstance.Event)] = [(node, event)]
        while !queue.isEmpty {
            let (target, event) = queue.removeFirst()
            guard members.contains(target) else { continue }
            now += 1
            let directives = nodes[target]!.handle(event, now: now)
            for directive in directives {
                switch directive {
                case .execute(let request):
                    executed.append(request)
                    queue.append((target, .actionFinished(request, runAgent(request))))
                case .startRecurring(let request):
                    recurring[request.node, default: []].append(request)
                case .cancelRecurring(let resource, let node, _):
                    recurring[node]?.removeAll { $0.resource == resource }
                case .replicate(let cib):
                    let peer = target == "alpha" ? "bravo" : "alpha"
                    if members.contains(peer) && members.contains(target) { queue.append((peer, .peerCIB(cib))) }
                case .settled:
                    settled = true
                case .persist, .log, .shutdownComplete:
                    break
                }
            }
        }
    }

    mutating func runAgent(_ request: ActionRequest) -> ActionOutcome {
        switch request.task {
        case "start": running[request.node, default: []].insert(request.resource); return ActionOutcome(rc: 0)
        case "stop": running[request.node, default: []].remove(request.resource); return ActionOutcome(rc: 0)
        default: return ActionOutcome(rc: running[request.node, default: []].contains(request.resource) ? 0 : 7)
        }
    }

    mutating func membership(_ members: Set<String>) {
        self.members = members
        for node in members.sorted() {
            send(.membership(peerMember: members.count == 2, hasQuorum: true), to: node)
        }
        // Connected, each daemon sends the other its CIB (the join).
        if members.count == 2 {
            let cibs = nodes.mapValues(\.cib)
            send(.peerCIB(cibs["alpha"]!), to: "bravo")
            send(.peerCIB(cibs["bravo"]!), to: "alpha")
        }
    }

    func startOrder(on node: String) -> [String] {
        executed.filter { $0.task == "start" && $0.node == node }.map(\.resource)
    }

    func location(of resource: String) -> [String] { running.filter { $0.value.contains(resource) }.map(\.key).sorted() }
}

/// The canonical pair with Dummy agents (no network needed).
func pairCIB(stonith: Bool = false) throws -> XMLElement {
    var script = """
    <cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
      <configuration>
        <crm_config><cluster_property_set id="cib-bootstrap-options">
          <nvpair name="no-quorum-policy" value="ignore" id="o1"/><nvpair name="stonith-enabled" value="\(stonith)" id="o2"/>
        </cluster_property_set></crm_config>
        <nodes/>
        <resources><group id="proxyGroup">
    """
    for id in ["ckVIP", "vIP_10", "haproxyd"] {
        script += "<primitive id=\"\(id)\" class=\"ocf\" provider=\"pacer\" type=\"Dummy\"><operations><op name=\"monitor\" interval=\"5s\" id=\"\(id)-monitor-5s\"/></operations></primitive>"
    }
    script += "</group>"
    if stonith { script += "<primitive id=\"fencer\" class=\"stonith\" type=\"fence_dummy\"/>" }
    script += """
        </resources>
        <constraints/>
        <rsc_defaults><meta_attributes id="rsc-options">
          <nvpair name="resource-stickiness" value="INFINITY" id="r1"/><nvpair name="migration-threshold" value="1" id="r2"/>
        </meta_attributes></rsc_defaults>
      </configuration>
      <status/>
    </cib>
    """
    return try XMLParser.parse(script)
}

@Suite("controller (simulated pair)")
struct ControllerSimulationTests {
    func startedPair() throws -> SimulatedPair {
        var pair = SimulatedPair(cib: try pairCIB())
        pair.send(.started, to: "alpha")
        pair.send(.started, to: "bravo")
        pair.membership(["alpha", "bravo"])
        return pair
    }

    @Test("both nodes up: probes everywhere, then the group starts on one node in order")
    func coldStart() throws {
        let pair = try startedPair()
        #expect(pair.settled)
        let probes = pair.executed.filter(\.isProbe)
        #expect(Set(probes.map { "\($0.resource)@\($0.node)" }).count == 6, "every resource probed on both nodes")
        let owner = pair.location(of: "ckVIP")
        #expect(owner.count == 1)
        #expect(pair.startOrder(on: owner[0]) == ["ckVIP", "vIP_10", "haproxyd"])
        #expect(pair.location(of: "haproxyd") == owner && pair.location(of: "vIP_10") == owner)
        #expect(pair.recurring[owner[0]]?.map(\.resource).sorted() == ["ckVIP", "haproxyd", "vIP_10"])
        #expect(pair.nodes["alpha"]!.isDC && !pair.nodes["bravo"]!.isDC)
        // Both CIBs agree once replicated.
        #expect(pair.nodes["alpha"]!.cib.serialized() == pair.nodes["bravo"]!.cib.serialized())
    }

    @Test("a failed haproxy monitor with migration-threshold=1 moves the group, which then stays")
    func resourceFailureMovesGroup() throws {
        var pair = try startedPair()
        let first = pair.location(of: "haproxyd")[0]
        let other = first == "alpha" ? "bravo" : "alpha"
        pair.running[first]!.remove("haproxyd")
        let monitor = pair.recurring[first]!.first { $0.resource == "haproxyd" }!
        pair.executed.removeAll()
        pair.send(.recurringFailed(monitor, ActionOutcome(rc: 7, exitReason: "haproxy process vanished")), to: "alpha")
        #expect(pair.location(of: "haproxyd") == [other])
        #expect(pair.location(of: "ckVIP") == [other] && pair.location(of: "vIP_10") == [other])
        let stops = pair.executed.filter { $0.task == "stop" && $0.node == first }.map(\.resource)
        #expect(stops == ["haproxyd", "vIP_10", "ckVIP"], "a group stops in reverse order")
        #expect(pair.startOrder(on: other) == ["ckVIP", "vIP_10", "haproxyd"])
        let failCount = pair.nodes["alpha"]!.cib.serialized().contains("fail-count-haproxyd#monitor_5000")
        #expect(failCount, "the fail count is recorded")
        // Nothing moves back on a recheck (stickiness INFINITY, the failure still counts).
        pair.executed.removeAll()
        pair.send(.recheck, to: "alpha")
        #expect(pair.executed.filter { $0.task != "monitor" }.isEmpty)
    }

    @Test("the active node's death moves the group to the survivor; its return moves nothing back")
    func nodeFailure() throws {
        var pair = try startedPair()
        let first = pair.location(of: "ckVIP")[0]
        let survivor = first == "alpha" ? "bravo" : "alpha"
        pair.running[first] = []            // the node died with everything on it
        pair.recurring[first] = []
        pair.membership([survivor])
        #expect(pair.nodes[survivor]!.isDC)
        #expect(pair.location(of: "ckVIP") == [survivor])
        #expect(pair.startOrder(on: survivor) == ["ckVIP", "vIP_10", "haproxyd"])
        // The crashed node comes back empty: it is probed, nothing moves.
        pair.executed.removeAll()
        pair.nodes[first] = ControllerInstance(localNode: first, peerNode: survivor, nodeIDs: ["alpha": "1", "bravo": "2"],
                                               cib: pair.nodes[survivor]!.cib)
        pair.send(.started, to: first)
        pair.membership(["alpha", "bravo"])
        #expect(pair.executed.filter { $0.node == first }.allSatisfy { $0.isProbe })
        #expect(pair.executed.filter { $0.task == "start" || $0.task == "stop" }.isEmpty)
        #expect(pair.location(of: "ckVIP") == [survivor])
    }

    @Test("a node that must be fenced: Pacer cannot fence, so its resources are not started elsewhere (never two copies)")
    func fencingNeverAssumed() throws {
        var pair = SimulatedPair(cib: try pairCIB(stonith: true))
        pair.send(.started, to: "alpha")
        pair.send(.started, to: "bravo")
        pair.membership(["alpha", "bravo"])
        let first = try #require(pair.location(of: "ckVIP").first, "the group did not start")
        let survivor = first == "alpha" ? "bravo" : "alpha"
        pair.executed.removeAll()
        pair.membership([survivor])          // lost, not known to be down: the scheduler fences it first
        #expect(pair.location(of: "ckVIP") == [first], "the group started on \(survivor) without fencing \(first)")
        #expect(pair.startOrder(on: survivor).isEmpty)
        // Once the node is known to be down (the operator turns fencing off), recovery goes on.
        pair.running[first] = []
        pair.recurring[first] = []
        let text = pair.nodes[survivor]!.cib.serialized()
        #expect(text.contains("name=\"stonith-enabled\" value=\"true\""))
        var cib = try XMLParser.parse(text.replacingOccurrences(of: "name=\"stonith-enabled\" value=\"true\"",
                                                                with: "name=\"stonith-enabled\" value=\"false\""))
        cib["epoch"] = String((Int(cib["epoch"] ?? "0") ?? 0) + 1)
        pair.send(.edited(cib), to: survivor)
        #expect(pair.location(of: "ckVIP") == [survivor])
    }
}
