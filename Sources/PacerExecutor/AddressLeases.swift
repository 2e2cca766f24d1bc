// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel
import CPacerSys
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Virtual IPs held as leases that only a living daemon renews.
///
/// Under pacerd, agents see `PACER_ADDRESS_LEASE=<seconds>` and add their addresses with
/// that lifetime (`valid_lft`/`preferred_lft`), then say so on stdout after a successful
/// start or monitor: `pacer-lease: inet 192.0.2.80/24 eth0`. While the resource is
/// started here, a thread of this object renews every such address every `renewEvery`.
/// If the daemon dies or the node freezes, nobody renews: the kernel removes the address
/// within `lifetime` + 1 s, so the peer's split-brain guard (VIPcheck) no longer sees it
/// answer and takes over. Under Pacemaker, where no one sets the variable, addresses are
/// permanent as usual. An `IPaddr2`-type agent that does not announce its address (the one
/// from resource-agents) gets the same: the executor finds the address of its `ip`
/// parameter after a successful start or monitor and renews it as a lease
/// (``derivedLease(agent:parameters:)``), so the protection does not depend on which
/// IPaddr2 the operator configured.
///
/// A lease that lapsed stays lapsed: after a pause longer than `lifetime` (the daemon was
/// frozen or starved), nothing is renewed, since the peer may already hold the address;
/// and an address that is no longer there is never added back by a renewal.
public final class AddressLeases: Sendable {
    public struct Lease: Sendable, Hashable, CustomStringConvertible {
        public var family: Int32
        public var address: String
        public var prefixLength: Int
        public var interface: String
        public var description: String { "\(address)/\(prefixLength) on \(interface)" }
    }

    /// Seconds an address lives without renewal.
    public let lifetime: Int
    public let renewEvery: Duration
    private struct State {
        var byResource: [String: [Lease]] = [:]
        var netlink: Int32 = -1
        var stopped = false
        /// Leases whose failure was reported already (reported once each).
        var failures = Set<Lease>()
        var lastRound: ContinuousClock.Instant?

        /// Sets `lease`'s lifetime (seconds, or `UInt32.max` for ever); 0 or an errno value.
        mutating func renew(_ lease: Lease, lifetime: UInt32) -> Int32 {
            if netlink < 0 { netlink = pacer_netlink_route_socket() }
            return pacer_renew_address(netlink, lease.family, lease.address, Int32(lease.prefixLength), lease.interface, lifetime)
        }

        /// Whether `lease`'s address is still configured (an error counts as yes).
        mutating func present(_ lease: Lease) -> Bool {
            if netlink < 0 { netlink = pacer_netlink_route_socket() }
            return pacer_address_present(netlink, lease.family, lease.address, lease.interface) != 0
        }
    }
    private let state = Mutex(State())
    private let onRenewalFailure: @Sendable (Lease, String) -> Void

    /// Starts the renewing thread. `onRenewalFailure` hears once of each lease that could
    /// not be renewed (removed by hand, or lapsed during a pause).
    /// With `realtimePriority`, the renewing thread runs SCHED_RR at that priority (a
    /// renewal late by a whole lifetime lets the lease lapse).
    public init(lifetime: Int = 1, renewEvery: Duration = .milliseconds(250), realtimePriority: Int32? = nil,
                onRenewalFailure: @escaping @Sendable (Lease, String) -> Void = { _, _ in }) {
        self.lifetime = max(1, lifetime)
        self.renewEvery = renewEvery
        self.onRenewalFailure = onRenewalFailure
        DedicatedThread.start { [self] in
            if let realtimePriority { _ = pacer_realtime_thread(realtimePriority) }
            self.renewLoop()
        }
    }

    /// The variable agents see: the lifetime to add an address with. It is the lease itself,
    /// not more: a node frozen right after a start must lose its VIP before the peer's VIPcheck
    /// looks (2 s after the loss); `hold` renews at once when the start reports the address.
    public var environment: [String: String] { ["PACER_ADDRESS_LEASE": String(lifetime)] }

    /// The leases an agent announced on stdout (`pacer-lease: FAMILY ADDRESS/PREFIX INTERFACE`).
    public static func parse(_ stdout: String) -> [Lease] {
        stdout.split(separator: "\n").compactMap { line -> Lease? in
            guard line.hasPrefix("pacer-lease: ") else { return nil }
            let fields = line.dropFirst("pacer-lease: ".count).split(separator: " ")
            guard fields.count == 3, let slash = fields[1].firstIndex(of: "/"),
                  let prefix = Int(fields[1][fields[1].index(after: slash)...]) else { return nil }
            let family: Int32 = fields[0] == "inet6" ? AF_INET6 : AF_INET
            return Lease(family: family, address: String(fields[1][..<slash]), prefixLength: prefix, interface: String(fields[2]))
        }
    }

    /// The lease for the virtual IP an `IPaddr2`-type agent added, for agents that do not
    /// announce it themselves (resource-agents' IPaddr2 adds a permanent address): the address
    /// in its `ip` parameter, on whichever interface holds it now. Nil for other agents, or
    /// when no interface has the address.
    public func derivedLease(agent: ResourceAgent, parameters: [AgentAction.Parameter]) -> Lease? {
        guard agent.resourceClass == "ocf", agent.type == "IPaddr2",
              let ip = parameters.last(where: { $0.name == "ip" })?.value, !ip.isEmpty else { return nil }
        var v4 = in_addr(), v6 = in6_addr()
        let family: Int32
        if inet_pton(AF_INET, ip, &v4) == 1 { family = AF_INET } else if inet_pton(AF_INET6, ip, &v6) == 1 { family = AF_INET6 } else { return nil }
        return state.withLock { state -> Lease? in
            if state.netlink < 0 { state.netlink = pacer_netlink_route_socket() }
            var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
            var prefix: Int32 = 0
            guard pacer_find_address(state.netlink, family, ip, &name, &prefix) == 1, name[0] != 0 else { return nil }
            return Lease(family: family, address: ip, prefixLength: Int(prefix), interface: String(cString: name))
        }
    }

    /// Renews `leases` for `resource` from now on (replacing what it had), the first time at once.
    public func hold(_ leases: [Lease], for resource: String) {
        state.withLock { state in
            let new = leases.filter { !(state.byResource[resource] ?? []).contains($0) }
            state.byResource[resource] = leases.isEmpty ? nil : leases
            state.failures.subtract(leases)
            guard !state.stopped else { return }
            for lease in new where state.present(lease) { _ = state.renew(lease, lifetime: UInt32(lifetime)) }
        }
    }

    /// Stops renewing `resource`'s addresses; no renewal is in progress once this returns.
    public func release(_ resource: String) {
        state.withLock { _ = $0.byResource.removeValue(forKey: resource) }
    }

    /// Every address renewed now.
    public var held: [String: [Lease]] { state.withLock { $0.byResource } }

    /// Stops renewing anything (the addresses then expire).
    public func stop() {
        state.withLock { $0.stopped = true }
    }

    /// At a clean exit with resources left running on purpose (maintenance mode, unmanaged
    /// resources, as for an upgrade): their addresses become permanent again, as under
    /// Pacemaker, instead of expiring. Then stops.
    public func makePermanent() {
        state.withLock { state in
            for lease in state.byResource.values.joined() { _ = state.renew(lease, lifetime: UInt32.max) }   // INFINITY_LIFE_TIME
            state.byResource.removeAll()
            state.stopped = true
        }
    }

    private func renewLoop() {
        let pause = renewEvery.components
        while true {
            var request = timespec(tv_sec: Int(pause.seconds), tv_nsec: Int(pause.attoseconds / 1_000_000_000))
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
            let failed = state.withLock { state -> [(Lease, String)] in
                if state.stopped {
                    if state.netlink >= 0 { close(state.netlink) }
                    state.netlink = -1
                    return []
                }
                let now = ContinuousClock.now
                defer { state.lastRound = now }
                if state.byResource.isEmpty { return [] }
                if let last = state.lastRound, now - last > .seconds(lifetime) {
                    let lapsed = Array(state.byResource.values.joined())
                    state.byResource.removeAll()
                    return lapsed.map { ($0, "the lease lapsed: nothing renewed it for \(now - last)") }
                }
                var failed: [(Lease, String)] = []
                for lease in state.byResource.values.joined() {
                    let problem: String?
                    if !state.present(lease) {
                        problem = "the address is no longer there (not added back)"
                    } else {
                        let rc = state.renew(lease, lifetime: UInt32(lifetime))
                        problem = rc == 0 ? nil : String(cString: strerror(rc))
                    }
                    if let problem, state.failures.insert(lease).inserted { failed.append((lease, problem)) }
                }
                return failed
            }
            if state.withLock({ $0.stopped }) { return }
            for (lease, reason) in failed { onRenewalFailure(lease, reason) }
        }
    }
}
