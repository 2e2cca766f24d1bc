/// crm_mon-style text for a cluster's nodes and resources.
///
/// A pure formatter: takes a `Snapshot` value, returns lines. Used by
/// `pacer simulate` (Current/Revised Cluster Status) and later `pacer status`.
/// Mirrors the text output of `pe__node_list_text`/`pe__resource_text`
/// (lib/pengine/pe_output.c) for primitives and groups.
public enum StatusView {
    /// One node's membership state.
    public struct Node: Sendable {
        public var name: String
        public var online: Bool
        public var unclean: Bool
        public var standby: Bool
        public var maintenance: Bool
        public var shutdown: Bool
        public var pending: Bool
        public init(name: String, online: Bool, unclean: Bool = false, standby: Bool = false,
                    maintenance: Bool = false, shutdown: Bool = false, pending: Bool = false) {
            self.name = name; self.online = online; self.unclean = unclean; self.standby = standby
            self.maintenance = maintenance; self.shutdown = shutdown; self.pending = pending
        }
    }

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
        public init(id: String, agent: String, members: [Resource]? = nil, role: String, nodes: [String],
                    failed: Bool = false, managed: Bool = true, blocked: Bool = false, orphan: Bool = false,
                    disabled: Bool = false) {
            self.id = id; self.agent = agent; self.members = members; self.role = role; self.nodes = nodes
            self.failed = failed; self.managed = managed; self.blocked = blocked; self.orphan = orphan
            self.disabled = disabled
        }
    }

    /// The whole status.
    public struct Snapshot: Sendable {
        public var nodes: [Node]
        public var resources: [Resource]
        public init(nodes: [Node], resources: [Resource]) { self.nodes = nodes; self.resources = resources }
    }

    /// The "N of M resource instances DISABLED and K BLOCKED" line, or nil when both are 0.
    public static func disabledLine(_ s: Snapshot) -> String? {
        let prims = s.resources.flatMap { $0.members ?? [$0] }
        let disabled = prims.filter(\.disabled).count
        let blocked = prims.filter(\.blocked).count
        if disabled == 0 && blocked == 0 { return nil }
        return "\(disabled) of \(prims.count) resource instances DISABLED and \(blocked) BLOCKED from further action due to failure"
    }

    /// Node List and Full List of Resources, indented as crm_simulate prints them.
    public static func lines(_ s: Snapshot) -> [String] {
        var out = ["  * Node List:"]
        var online: [String] = [], offline: [String] = []
        for n in s.nodes {
            if n.unclean {
                out.append("    * Node \(n.name): UNCLEAN (\(n.online ? "online" : "offline"))")
            } else if n.online && n.pending {
                out.append("    * Node \(n.name): pending")
            } else if n.online && n.standby {
                out.append("    * Node \(n.name): standby")
            } else if n.online && n.maintenance {
                out.append("    * Node \(n.name): maintenance")
            } else if n.online {
                online.append(n.name)
            } else {
                offline.append(n.name)
            }
        }
        if !online.isEmpty { out.append("    * Online: [ \(online.joined(separator: " ")) ]") }
        if !offline.isEmpty { out.append("    * OFFLINE: [ \(offline.joined(separator: " ")) ]") }
        out.append("")
        out.append("  * Full List of Resources:")
        for r in s.resources {
            if let members = r.members {
                let flags = r.disabled ? " (disabled)" : (r.managed ? "" : " (unmanaged)")
                out.append("    * Resource Group: \(r.id)\(flags):")
                for m in members { out.append("      " + primitiveLine(m)) }
            } else {
                if r.orphan && r.nodes.isEmpty { continue }
                out.append("    " + primitiveLine(r))
            }
        }
        return out
    }

    static func primitiveLine(_ r: Resource) -> String {
        var state = r.nodes.isEmpty ? "Stopped" : (r.failed ? "FAILED" : r.role)
        if !r.nodes.isEmpty {
            state += r.nodes.count == 1 ? " \(r.nodes[0])" : " [ \(r.nodes.joined(separator: " ")) ]"
        }
        var flags: [String] = []
        if r.orphan { flags.append("orphan") }
        if r.disabled { flags.append("disabled") }
        if !r.managed && !r.blocked { flags.append("unmanaged") }
        if r.blocked { flags.append("blocked") }
        let suffix = flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))"
        return "* \(r.id)\t(\(r.agent)):\t \(state)\(suffix)"
    }
}
