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

    /// Node lines: one per node in a special state, then the Online and OFFLINE lists.
    static func nodeLines(_ s: Snapshot) -> (special: [String], online: [String], offline: [String]) {
        var special: [String] = [], online: [String] = [], offline: [String] = []
        let active = Set(s.resources.flatMap { ($0.members ?? [$0]).flatMap(\.nodes) })
        for n in s.nodes {
            if n.unclean {
                special.append("Node \(n.name): UNCLEAN (\(n.online ? "online" : "offline"))")
            } else if n.online && n.pending {
                special.append("Node \(n.name): pending")
            } else if n.online && n.standby {
                special.append("Node \(n.name): standby" + (active.contains(n.name) ? " (with active resources)" : ""))
            } else if n.online && n.maintenance {
                special.append("Node \(n.name): maintenance")
            } else if n.online {
                online.append(n.name)
            } else if n.maintenance {
                special.append("Node \(n.name): OFFLINE (maintenance)")
            } else {
                offline.append(n.name)
            }
        }
        return (special, online, offline)
    }

    /// The compact layout crm_simulate uses with `-s` (no headers or bullets).
    /// - Parameter showPending: show operations in flight ("Starting"), as the Current
    ///   (but not the Revised) status does.
    public static func compactLines(_ s: Snapshot, showPending: Bool = true) -> [String] {
        let (special, online, offline) = nodeLines(s)
        var out = special
        if !online.isEmpty { out.append("[ \(online.joined(separator: " ")) ]") }
        if !offline.isEmpty { out.append("[ \(offline.joined(separator: " ")) ]") }
        out.append("")
        for r in s.resources {
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
        let (special, online, offline) = nodeLines(s)
        out += special.map { "    * " + $0 }
        if !online.isEmpty { out.append("    * Online: [ \(online.joined(separator: " ")) ]") }
        if !offline.isEmpty { out.append("    * OFFLINE: [ \(offline.joined(separator: " ")) ]") }
        out.append("")
        out.append("  * Full List of Resources:")
        for r in s.resources {
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
