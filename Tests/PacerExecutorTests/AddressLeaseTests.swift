// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerExecutor
import PacerModel
import PacerTestKit
import Synchronization
import Testing

/// Addresses held as leases: renewed while the daemon lives, gone soon after it stops renewing.
@Suite("executor: address leases", .serialized)
struct AddressLeaseTests {
    /// A loopback address (the only kind a test may add outside its own namespaces).
    static let address = "127.0.0.77"

    static func present() -> Bool {
        let out = (try? Tool.run(["/usr/sbin/ip", "-o", "-4", "addr", "show", "dev", "lo", "to", address]).stdout) ?? ""
        return out.contains(address)
    }

    /// An agent adding the loopback address and naming it (starting clean). It gives the address
    /// 5 s rather than the lease's 1 s: under the whole suite's load the start can take longer
    /// than a second to be reported, and the tests are about what the renewals do.
    static func vipAgent(_ sandbox: AgentSandbox) throws -> ResourceAgent {
        removeAddress()
        return try sandbox.agent("vip", """
        case $1 in
        start) [ "$PACER_ADDRESS_LEASE" = 1 ] || exit 1
               ip addr add \(address)/32 dev lo valid_lft 5 preferred_lft 5 || exit 1
               echo "pacer-lease: inet \(address)/32 lo"; exit 0 ;;
        stop) ip addr del \(address)/32 dev lo 2>/dev/null; exit 0 ;;
        esac
        exit 3
        """)
    }

    static func removeAddress() {
        _ = try? Tool.run(["/usr/sbin/ip", "addr", "del", "\(address)/32", "dev", "lo"])
    }

    @Test("the agent's lease line is parsed; other output is ignored")
    func parse() {
        let leases = AddressLeases.parse("starting\npacer-lease: inet 192.0.2.80/24 eth0\npacer-lease: inet6 2001:db8::80/64 eth1\npacer-lease: junk\n")
        #expect(leases.map(\.description) == ["192.0.2.80/24 on eth0", "2001:db8::80/64 on eth1"])
        #expect(leases.map(\.family) == [AF_INET, AF_INET6])
    }

    static func shown() -> String {
        (try? Tool.run(["/usr/sbin/ip", "-o", "-4", "addr", "show", "dev", "lo", "to", address]).stdout) ?? ""
    }

    // The renewer runs SCHED_RR as in pacerd: with the whole test suite loading both cores, an
    // ordinary thread can be held off for over a second, and then (by design) the lease lapses.
    @Test("a held address is cut to the 1 s lease by the renewals, lives on while renewed, and expires once renewal stops")
    func renewedThenExpires() async throws {
        Self.removeAddress()
        defer { Self.removeAddress() }
        _ = try Tool.run(["/usr/sbin/ip", "addr", "add", "\(Self.address)/32", "dev", "lo", "valid_lft", "5", "preferred_lft", "5"])
        let leases = AddressLeases(lifetime: 1, renewEvery: .milliseconds(250), realtimePriority: 10)
        defer { leases.stop() }
        leases.hold(AddressLeases.parse("pacer-lease: inet \(Self.address)/32 lo"), for: "vip")
        var cut = false
        for _ in 0..<30 where !cut {
            let text = Self.shown()
            cut = text.contains("valid_lft 1sec") || text.contains("valid_lft 0sec")
            if !cut { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(cut, "the renewals cut the lifetime to 1 s: \(Self.shown())")
        try await Task.sleep(for: .seconds(3))
        #expect(Self.present(), "renewed every 250 ms with a 1 s lifetime, the address is still there 3 s later: \(Self.shown())")

        leases.stop()   // as if the daemon died
        var gone = false
        for _ in 0..<40 where !gone {
            try await Task.sleep(for: .milliseconds(100))
            gone = !Self.present()
        }
        #expect(gone, "without renewal the kernel removed the address within 4 s")
    }

    @Test("a stop releases the lease before the agent removes the address (no renewal brings it back)")
    func stopReleases() async throws {
        let sandbox = try AgentSandbox()
        let agent = try Self.vipAgent(sandbox)
        defer { Self.removeAddress() }
        let leases = AddressLeases(lifetime: 1, renewEvery: .milliseconds(50), realtimePriority: 10)
        defer { leases.stop() }
        let executor = Executor(directory: AgentDirectory(ocfRoot: sandbox.root), leases: leases)
        #expect(await executor.execute(AgentAction(resourceID: "vip", agent: agent, name: "start")).rc == 0)
        try await Task.sleep(for: .milliseconds(300))
        #expect(await executor.execute(AgentAction(resourceID: "vip", agent: agent, name: "stop")).rc == 0)
        #expect(leases.held.isEmpty)
        try await Task.sleep(for: .milliseconds(500))
        #expect(!Self.present(), "stopped means gone")
    }
}

extension AddressLeaseTests {
    @Test("a clean exit with the resource left running makes its address permanent, as under Pacemaker")
    func permanentAtCleanExit() async throws {
        let sandbox = try AgentSandbox()
        let agent = try Self.vipAgent(sandbox)
        defer { Self.removeAddress() }
        let leases = AddressLeases(lifetime: 1)
        let executor = Executor(directory: AgentDirectory(ocfRoot: sandbox.root), leases: leases)
        #expect(await executor.execute(AgentAction(resourceID: "vip", agent: agent, name: "start")).rc == 0)
        leases.makePermanent()
        try await Task.sleep(for: .seconds(2.5))
        let shown = try Tool.run(["/usr/sbin/ip", "-o", "-4", "addr", "show", "dev", "lo", "to", Self.address]).stdout
        #expect(shown.contains("valid_lft forever"), "\(shown)")
    }
}

extension AddressLeaseTests {
    @Test("an address removed by hand is not added back by a renewal, and the loss is reported")
    func vanishedNotRecreated() async throws {
        let sandbox = try AgentSandbox()
        let agent = try Self.vipAgent(sandbox)
        defer { Self.removeAddress() }
        let reported = Mutex<[String]>([])
        let leases = AddressLeases(lifetime: 1, renewEvery: .milliseconds(100), realtimePriority: 10) { lease, reason in
            reported.withLock { $0.append("\(lease): \(reason)") }
        }
        defer { leases.stop() }
        let executor = Executor(directory: AgentDirectory(ocfRoot: sandbox.root), leases: leases)
        #expect(await executor.execute(AgentAction(resourceID: "vip", agent: agent, name: "start")).rc == 0)
        try await Task.sleep(for: .milliseconds(300))
        Self.removeAddress()
        try await Task.sleep(for: .seconds(1))
        #expect(!Self.present(), "a renewal added the address back")
        #expect(reported.withLock { $0 }.contains { $0.contains("no longer there") }, "\(reported.withLock { $0 })")
    }
}

extension AddressLeaseTests {
    /// resource-agents' own IPaddr2 (permanent addresses, no lease line): issue #12, point 5.
    static let heartbeatIPaddr2 = "/usr/lib/ocf/resource.d/heartbeat/IPaddr2"

    @Test("resource-agents' IPaddr2 gets a lease too: its address is found, renewed at 1 s and lapses when renewal stops",
          .enabled(if: FileManager.default.isExecutableFile(atPath: heartbeatIPaddr2)))
    func heartbeatAgentLeased() async throws {
        Self.removeAddress()
        defer { Self.removeAddress() }
        let leases = AddressLeases(lifetime: 1, renewEvery: .milliseconds(250), realtimePriority: 10)
        defer { leases.stop() }
        let executor = Executor(directory: AgentDirectory(ocfRoot: "/usr/lib/ocf"), leases: leases)
        let agent = try #require(ResourceAgent("ocf:heartbeat:IPaddr2"))
        let parameters = [("ip", Self.address), ("cidr_netmask", "32"), ("nic", "lo")]
        let start = await executor.execute(AgentAction(resourceID: "vip", agent: agent, name: "start", parameters: parameters))
        #expect(start.rc == 0, "start: \(start.stderr)")
        #expect(leases.held["vip"]?.map(\.description) == ["\(Self.address)/32 on lo"], "held: \(leases.held)")
        var cut = false
        for _ in 0..<30 where !cut {
            let text = Self.shown()
            cut = text.contains("valid_lft 1sec") || text.contains("valid_lft 0sec")
            if !cut { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(cut, "the permanent address became a 1 s lease: \(Self.shown())")
        let monitor = await executor.execute(AgentAction(resourceID: "vip", agent: agent, name: "monitor", parameters: parameters))
        #expect(monitor.rc == 0 && leases.held["vip"] != nil, "a monitor keeps the lease")
        leases.stop()   // as if pacerd died
        var gone = false
        for _ in 0..<40 where !gone {
            try await Task.sleep(for: .milliseconds(100))
            gone = !Self.present()
        }
        #expect(gone, "without renewal the kernel removed resource-agents' address within 4 s")
    }

    @Test("agents that are not IPaddr2 get no derived lease")
    func onlyIPaddr2() throws {
        let leases = AddressLeases(lifetime: 1)
        defer { leases.stop() }
        #expect(leases.derivedLease(agent: ResourceAgent("ocf:heartbeat:Dummy")!, parameters: [.init(name: "ip", value: "127.0.0.1")]) == nil)
        #expect(leases.derivedLease(agent: ResourceAgent("ocf:heartbeat:IPaddr2")!, parameters: [.init(name: "ip", value: "192.0.2.250")]) == nil,
                "an address no interface holds is no lease")
        #expect(leases.derivedLease(agent: ResourceAgent("ocf:heartbeat:IPaddr2")!, parameters: [.init(name: "ip", value: "127.0.0.1")])?
            .description == "127.0.0.1/8 on lo")
    }
}
