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

    /// A primitive, group or clone, as the scheduler unpacked it.
    public typealias Resource = ClusterStatus.ResourceState

    /// The whole status.
    public typealias Snapshot = ClusterStatus

    /// What is listed under a resource: a group's members, or a clone's primitives (its
    /// instances, or the members of its cloned groups); nil for a primitive.
    static func listedMembers(_ r: Resource) -> [Resource]? {
        if r.isGroup { return r.members }
        if r.clone != nil { return r.members.flatMap { $0.isGroup ? $0.members : [$0] } }
        return nil
    }

    /// The nodes that are offline and unclean: a primitive running on one is flagged UNCLEAN.
    static func uncleanNodes(_ s: Snapshot) -> Set<String> {
        Set(s.nodes.filter { !$0.online && $0.unclean }.map(\.name))
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
        let prims = s.resources.flatMap { listedMembers($0) ?? [$0] }.filter { !($0.orphan && $0.nodes.isEmpty) }
        let disabled = prims.filter(\.targetRoleStopped).count
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
        let active = Set(s.resources.flatMap { (listedMembers($0) ?? [$0]).flatMap(\.nodes) })
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
        let unclean = uncleanNodes(s)
        for r in s.resources where !r.implicit {
            for m in listedMembers(r) ?? [r] where !(m.orphan && m.nodes.isEmpty) {
                out.append(String(primitiveLine(m, uncleanNodes: unclean, showPending: showPending).dropFirst(2)))
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
        let unclean = uncleanNodes(s)
        for r in s.resources where !r.implicit {
            if let members = listedMembers(r) {
                var attrs: [String] = []
                if !r.managed { attrs.append("unmanaged") }
                if r.targetRoleStopped { attrs.append("disabled") }
                let flags = attrs.isEmpty ? "" : " (\(attrs.joined(separator: ", ")))"
                out.append("    * Resource Group: \(r.id)\(flags):")
                for m in members { out.append("      " + primitiveLine(m, uncleanNodes: unclean, showPending: showPending)) }
            } else {
                if r.orphan && r.nodes.isEmpty { continue }
                out.append("    " + primitiveLine(r, uncleanNodes: unclean, showPending: showPending))
            }
        }
        return out
    }

    /// One primitive, as `pcmk__native_output_string()` (lib/pengine/native.c) writes it.
    static func primitiveLine(_ r: Resource, uncleanNodes: Set<String>, showPending: Bool = true) -> String {
        let pendingTask = showPending ? r.pendingTask : nil
        var state = nativeState(orphan: r.orphan, failed: r.failed, role: r.role, shown: pendingState(pendingTask, role: r.role))
        if r.nodes.count == 1 { state += " " + r.nodes[0] }
        if r.role == "Stopped", let probe = r.failedProbe { state += " (\(probe)) " }
        state += nativeFlags(unclean: r.nodes.count == 1 && uncleanNodes.contains(r.nodes[0]), monitoring: pendingTask == "monitor",
                             disabled: r.targetRoleStopped, blocked: r.blocked, managed: r.managed, failureIgnored: r.failureIgnored)
        if r.nodes.count > 1 { state += " [ \(r.nodes.joined(separator: " ")) ]" }
        return "* \(r.id)\t(\(r.agent)):\t\(state)"
    }

    /// What `pcmk__native_output_string()` writes first: ` ORPHANED`, then ` FAILED` (and
    /// ` Promoted` for a promoted instance) or the state `shown`.
    static func nativeState(orphan: Bool, failed: Bool, role: String, shown: String) -> String {
        var state = orphan ? " ORPHANED" : ""
        if failed {
            state += " FAILED"
            if role == "Promoted" { state += " Promoted" }
        } else {
            state += " " + shown
        }
        return state
    }

    /// The flags `pcmk__native_output_string()` writes after the node, in its order, as
    /// ` (UNCLEAN, Monitoring, …)`; empty when there are none.
    static func nativeFlags(unclean: Bool, monitoring: Bool, disabled: Bool, blocked: Bool, managed: Bool,
                            failureIgnored: Bool) -> String {
        var flags: [String] = []
        if unclean { flags.append("UNCLEAN") }
        if monitoring { flags.append("Monitoring") }
        if disabled { flags.append("disabled") }
        if blocked { flags.append("blocked") } else if !managed { flags.append("unmanaged") }
        if failureIgnored { flags.append("failure ignored") }
        return flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))"
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
