// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerScheduler

/// crm_mon-style text for a cluster's nodes and resources.
///
/// A pure formatter: takes a `Snapshot` value, returns lines. Used by
/// `pacer simulate` (Current/Revised Cluster Status); `pacer status` has its own (`MonView`).
/// Mirrors the text output of `pe__node_list_text`/`pe__resource_text`
/// (lib/pengine/pe_output.c) for primitives and groups.
public enum StatusView {
    /// One node's membership state, as the scheduler unpacked it.
    public typealias Node = ClusterStatus.NodeState

    /// A primitive, or a group with members.
    public struct Resource: Sendable {
        public var id: String
        public var agent: String
        public var members: [Resource]?
        public var role: String
        public var nodes: [String]
        public var failed: Bool
        public var managed: Bool
        public var blocked: Bool
        public var orphan: Bool
        public var disabled: Bool
        public var failureIgnored: Bool
        /// The operation in flight, if any (`start`, `stop`, `monitor`, …).
        public var pendingTask: String?
        /// The (single) node it runs on is offline and unclean.
        public var onUncleanNode: Bool
        /// Why its probe failed ("not installed"), shown for stopped resources.
        public var failedProbe: String?
        /// A guest node's connection: counted, not listed (`pcmk_show_implicit_rscs` is off).
        public var implicit = false
        public init(id: String, agent: String, members: [Resource]? = nil, role: String, nodes: [String],
                    failed: Bool = false, managed: Bool = true, blocked: Bool = false, orphan: Bool = false,
                    disabled: Bool = false, failureIgnored: Bool = false, pendingTask: String? = nil,
                    onUncleanNode: Bool = false, failedProbe: String? = nil) {
            self.id = id; self.agent = agent; self.members = members; self.role = role; self.nodes = nodes
            self.failed = failed; self.managed = managed; self.blocked = blocked; self.orphan = orphan
            self.disabled = disabled; self.failureIgnored = failureIgnored; self.pendingTask = pendingTask
            self.onUncleanNode = onUncleanNode
            self.failedProbe = failedProbe
        }
    }

    /// The whole status.
    public struct Snapshot: Sendable {
        public var nodes: [Node]
        public var resources: [Resource]
        /// `maintenance-mode=true`: crm_simulate prints a banner first.
        public var maintenanceMode: Bool
        /// `stop-all-resources=true`: likewise.
        public var stopAllResources: Bool
        public init(nodes: [Node], resources: [Resource], maintenanceMode: Bool = false, stopAllResources: Bool = false) {
            self.nodes = nodes; self.resources = resources; self.maintenanceMode = maintenanceMode
            self.stopAllResources = stopAllResources
        }
    }

    /// The banner crm_simulate prints when resource management is disabled, or nil.
    public static func banner(_ s: Snapshot) -> String? {
        if s.maintenanceMode {
            return "\n              *** Resource management is DISABLED ***\n  The cluster will not attempt to start, stop or recover services\n"
        }
        return nil   // crm_simulate prints nothing for stop-all-resources
    }

    /// The "N of M resource instances DISABLED and K BLOCKED" line, or nil when both are 0.
    public static func disabledLine(_ s: Snapshot) -> String? {
        // pe__count_common(): inactive orphans are not counted.
        let prims = s.resources.flatMap { $0.members ?? [$0] }.filter { !($0.orphan && $0.nodes.isEmpty) }
        let disabled = prims.filter(\.disabled).count
        let blocked = prims.filter(\.blocked).count
        if disabled == 0 && blocked == 0 { return nil }
        return "\(disabled) of \(prims.count) resource instances DISABLED and \(blocked) BLOCKED from further action due to failure"
    }

    /// Node lines: one per node shown on its own (a special state or not green), then
    /// the lists of online and offline nodes by kind, as `pe__node_list_text()` groups them.
    static func nodeLines(_ s: Snapshot) -> (special: [String], lists: [(String, [String])]) {
        var special: [String] = []
        var online: [String] = [], offline: [String] = [], remoteOnline: [String] = []
        var remoteOffline: [String] = [], guestOnline: [String] = []
        let active = Set(s.resources.flatMap { ($0.members ?? [$0]).flatMap(\.nodes) })
        for n in s.nodes {
            if n.unclean || n.pending || n.standby || n.maintenance || n.health <= 0 {
                let kind = n.kind == .guest ? "GuestNode" : n.kind == .remote ? "RemoteNode" : "Node"
                let health = n.health < 0 ? " (health is RED)" : n.health == 0 ? " (health is YELLOW)" : ""
                special.append("\(kind) \(n.name): \(statusText(n, active: active.contains(n.name)))\(health)")
            } else if n.online {
                switch n.kind {
                case .guest: guestOnline.append(n.name)
                case .remote: remoteOnline.append(n.name)
                case .cluster: online.append(n.name)
                }
            } else {
                switch n.kind {
                case .guest: break   // offline guest nodes are not listed
                case .remote: remoteOffline.append(n.name)
                case .cluster: offline.append(n.name)
                }
            }
        }
        let lists = [("Online", online), ("OFFLINE", offline), ("RemoteOnline", remoteOnline),
                     ("RemoteOFFLINE", remoteOffline), ("GuestOnline", guestOnline)].filter { !$0.1.isEmpty }
        return (special, lists)
    }

    /// A node's state in words (`node_text_status()`).
    static func statusText(_ n: Node, active: Bool) -> String {
        if n.unclean { return n.online ? "UNCLEAN (online)" : n.pending ? "UNCLEAN (pending)" : "UNCLEAN (offline)" }
        if n.pending { return "pending" }
        if n.standby {
            if n.online { return active ? "standby (with active resources)" : "standby" }
            return "OFFLINE (standby)"
        }
        if n.maintenance { return n.online ? "maintenance" : "OFFLINE (maintenance)" }
        return n.online ? "online" : "OFFLINE"
    }

    /// The compact layout crm_simulate uses with `-s` (no headers or bullets).
    /// - Parameter showPending: show operations in flight ("Starting"), as the Current
    ///   (but not the Revised) status does.
    public static func compactLines(_ s: Snapshot, showPending: Bool = true) -> [String] {
        let (special, lists) = nodeLines(s)
        var out = special
        for (_, names) in lists { out.append("[ \(names.joined(separator: " ")) ]") }
        out.append("")
        for r in s.resources where !r.implicit {
            for m in r.members ?? [r] where !(m.orphan && m.nodes.isEmpty) {
                out.append(String(primitiveLine(m, showPending: showPending).dropFirst(2)))
            }
        }
        return out
    }

    /// Node List and Full List of Resources, indented as crm_simulate prints them.
    /// - Parameter showPending: show operations in flight ("Starting"), as the Current
    ///   (but not the Revised) status does.
    public static func lines(_ s: Snapshot, showPending: Bool = true) -> [String] {
        var out = ["  * Node List:"]
        let (special, lists) = nodeLines(s)
        out += special.map { "    * " + $0 }
        for (label, names) in lists { out.append("    * \(label): [ \(names.joined(separator: " ")) ]") }
        out.append("")
        out.append("  * Full List of Resources:")
        for r in s.resources where !r.implicit {
            if let members = r.members {
                var attrs: [String] = []
                if !r.managed { attrs.append("unmanaged") }
                if r.disabled { attrs.append("disabled") }
                let flags = attrs.isEmpty ? "" : " (\(attrs.joined(separator: ", ")))"
                out.append("    * Resource Group: \(r.id)\(flags):")
                for m in members { out.append("      " + primitiveLine(m, showPending: showPending)) }
            } else {
                if r.orphan && r.nodes.isEmpty { continue }
                out.append("    " + primitiveLine(r, showPending: showPending))
            }
        }
        return out
    }

    /// One primitive, as `pcmk__native_output_string()` (lib/pengine/native.c) writes it.
    static func primitiveLine(_ r: Resource, showPending: Bool = true) -> String {
        let pendingTask = showPending ? r.pendingTask : nil
        var state = ""
        if r.orphan { state += " ORPHANED" }
        if r.failed {
            state += " FAILED"
            if r.role == "Promoted" { state += " Promoted" }
        } else {
            state += " " + pendingState(pendingTask, role: r.role)
        }
        if r.nodes.count == 1 { state += " " + r.nodes[0] }
        if r.role == "Stopped", let probe = r.failedProbe { state += " (\(probe)) " }
        var flags: [String] = []
        if r.nodes.count == 1 && r.onUncleanNode { flags.append("UNCLEAN") }
        if pendingTask == "monitor" { flags.append("Monitoring") }
        if r.disabled { flags.append("disabled") }
        if r.blocked { flags.append("blocked") } else if !r.managed { flags.append("unmanaged") }
        if r.failureIgnored { flags.append("failure ignored") }
        if !flags.isEmpty { state += " (\(flags.joined(separator: ", ")))" }
        if r.nodes.count > 1 { state += " [ \(r.nodes.joined(separator: " ")) ]" }
        return "* \(r.id)\t(\(r.agent)):\t\(state)"
    }

    /// `native_pending_state()`: "Starting" while a start is in flight, and so on.
    static func pendingState(_ task: String?, role: String) -> String {
        switch task {
        case "start": return "Starting"
        case "stop": return "Stopping"
        case "migrate_to", "migrate_from": return "Migrating"
        case "promote": return "Promoting"
        case "demote": return "Demoting"
        default: return role
        }
    }
}
