// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerScheduler

/// A node as crm_mon shows it.
struct MonNode {
    var name: String
    var id: String
    var online: Bool
    var unclean: Bool
    var standby: Bool
    var maintenance: Bool
    var shutdown: Bool
    var pending: Bool
    var expectedUp: Bool
    var isDC: Bool
    /// `node->details->attrs`: configured, transient and `#` attributes.
    var attributes: [String: String]
    /// Primitive ids running here, in the order their history was unpacked (`running_rsc`).
    var runningResources: [String] = []

    /// `get_node_feature_set()`: only for online nodes.
    var featureSet: String? { online ? (attributes["#feature-set"] ?? "<3.15.1") : nil }
}

/// A primitive or group as crm_mon shows it.
struct MonResource {
    var id: String
    var isGroup: Bool
    var members: [MonResource]
    var resourceClass: String
    var provider: String?
    var agentType: String
    var role: String
    /// Where it runs, in `running_on` order.
    var nodes: [String]
    var failed: Bool
    var managed: Bool
    var blocked: Bool
    var orphan: Bool
    var failureIgnored: Bool
    var pendingTask: String?
    /// The `meta` table (`get_meta_attributes()`): own, parent's and defaults.
    var meta: [String: String]
    /// `instance_attributes` (for ping's `name`, `host_list`, `multiplier`).
    var parameters: [String: String]
    var description: String?
    /// Configured operations with `on-fail=block` (name, interval), for `block_failure()`.
    var blockingOps: [(name: String, intervalMs: Int)] = []

    /// `class:provider:type` or `class:type`.
    var agent: String { provider.map { "\(resourceClass):\($0):\(agentType)" } ?? "\(resourceClass):\(agentType)" }
    var targetRole: String? { meta["target-role"] }
    /// `pe__resource_is_disabled()`.
    var disabled: Bool { targetRole?.lowercased() == "stopped" }
    /// `rsc->migration_threshold`.
    var migrationThreshold: Int {
        guard let v = meta["migration-threshold"], v.lowercased() != "default" else { return 1_000_000 }
        let t = scoreValue(v)
        return t < 0 ? 1 : t
    }
    /// `rsc->failure_timeout` in seconds.
    var failureTimeout: Int { IntervalSpec.intervalMilliseconds(meta["failure-timeout"]) / 1000 }
    var isInternal: Bool { isTrue(meta["internal_rsc"]) }
    /// `native_displayable_state()` with pending operations shown, as crm_mon shows them.
    var displayedState: String { StatusView.pendingState(pendingTask?.lowercased(), role: role) }
}

/// Cluster-wide settings crm_mon prints (`cluster_options` and the summary).
struct MonOptionsInCIB {
    var stonithEnabled = true
    var symmetric = true
    var noQuorumPolicy = "stop"
    var maintenanceMode = false
    var stopAll = false
    var stonithTimeoutMs = 60_000
    var priorityFencingDelayMs = 0
    var clusterName: String?
}

/// The CIB's last change: when, by which user, through which client, on which node
/// (`cib-last-written`, `update-user`, `update-client`, `update-origin` of `<cib>`).
struct LastChange {
    var time: String?
    var user: String?
    var client: String?
    var origin: String?

    init(of cib: XMLElement) {
        time = cib["cib-last-written"]
        user = cib["update-user"]
        client = cib["update-client"]
        origin = cib["update-origin"]
    }

    /// `last_changed_string()`.
    var text: String {
        var s = time ?? ""
        if let user { s += " by \(user)" }
        if let client { s += " via \(client)" }
        if let origin { s += " on \(origin)" }
        return s
    }
}

/// The whole status crm_mon shows, unpacked once from a CIB. Mirrors what
/// `cluster_status()` (lib/pengine/status.c) leaves in the working set: node and resource
/// state come from ``Scheduler/status(_:)``; what the scheduler keeps to itself (failed
/// operations, attributes, fail counts) is read here, as lib/pengine/unpack.c reads it.
struct MonState {
    var cib: XMLElement
    var now: Int
    var stack: String
    var dcVersion: String?
    var haveQuorum: Bool
    var lastChange: LastChange
    var options: MonOptionsInCIB
    var nodes: [MonNode]
    var resources: [MonResource]
    /// `data_set->failed`: failed operations, in unpack order, with the node they ran on.
    var failures: [FailedOp] = []
    /// `<node_state>` entries of known nodes, in document order (for history sections).
    var nodeStates: [(node: Int, state: XMLElement)] = []
    var legacyFailCounts: Bool
    /// Failure timeouts dropped because they conflict with `on-fail=block`.
    var ignoredFailureTimeouts: Set<String> = []

    var dc: MonNode? { nodes.first(where: \.isDC) }

    func node(named name: String) -> MonNode? { nodes.first { $0.name == name } }

    /// `pe_find_resource()`: a top-level resource or group member by id.
    func resource(_ id: String) -> MonResource? {
        for r in resources {
            if r.id == id { return r }
            if let m = r.members.first(where: { $0.id == id }) { return m }
        }
        return nil
    }

    var primitives: [MonResource] { resources.flatMap { $0.isGroup ? $0.members : [$0] } }
}

/// A failed operation as `record_failed_op()` keeps it.
struct FailedOp {
    var op: HistoryOp
    var node: String
    var rsc: String
}

extension MonState {
    init(cib original: XMLElement, now: Int) {
        // crm_mon uses the real time, never the CIB's `execution-date` (crm_simulate's).
        var cib = original
        cib["execution-date"] = nil
        let status = Scheduler.status(SchedulerInput(cib: cib, now: now))
        let reader = NVPairReader(cib: cib)
        let configuration = cib.firstElement(named: "configuration")

        var config: [String: String] = [:]
        reader.unpack(configuration?.firstElement(named: "crm_config"), setName: "cluster_property_set",
                      into: &config, overwrite: false, alwaysFirst: "cib-bootstrap-options")
        var options = MonOptionsInCIB()
        if let v = config["stonith-enabled"] { options.stonithEnabled = isTrue(v) }
        if let v = config["symmetric-cluster"] { options.symmetric = isTrue(v) }
        if let v = config["no-quorum-policy"]?.lowercased(), ["freeze", "stop", "demote", "ignore", "suicide"].contains(v) {
            options.noQuorumPolicy = (v == "suicide" && !options.stonithEnabled) ? "stop" : v
        }
        options.maintenanceMode = isTrue(config["maintenance-mode"])
        options.stopAll = isTrue(config["stop-all-resources"])
        options.stonithTimeoutMs = config["stonith-timeout"].flatMap(IntervalSpec.milliseconds) ?? 60_000
        options.priorityFencingDelayMs = ((config["priority-fencing-delay"].flatMap(IntervalSpec.milliseconds) ?? 0) / 1000) * 1000
        options.clusterName = config["cluster-name"]

        self.cib = cib
        self.now = now
        self.options = options
        stack = NVPairReader.firstNVPair(cib, named: "cluster-infrastructure") ?? "unknown"
        dcVersion = NVPairReader.firstNVPair(cib, named: "dc-version")
        haveQuorum = isTrue(cib["have-quorum"])
        lastChange = LastChange(of: cib)
        legacyFailCounts = compareVersion(cib["crm_feature_set"], "3.0.13") < 0
        nodes = []
        resources = []

        // Nodes: state from the scheduler, ids and attributes from the CIB.
        let configuredNodes = configuration?.firstElement(named: "nodes")?.elements(named: "node") ?? []
        let dcUUID = cib["dc-uuid"]?.lowercased()
        for n in status.nodes {
            let element = configuredNodes.first { $0["uname"] == n.name }
            let id = element?["id"] ?? n.name
            var attrs: [String: String] = ["#uname": n.name, "#id": id]
            let isDC = dcUUID != nil && id.lowercased() == dcUUID
            attrs["#is_dc"] = isDC ? "true" : "false"
            if let name = options.clusterName { attrs["#cluster-name"] = name }
            reader.unpack(element, setName: "instance_attributes", into: &attrs, overwrite: false)
            if attrs["#site-name"] == nil, let site = attrs["site-name"] ?? options.clusterName { attrs["#site-name"] = site }
            nodes.append(MonNode(name: n.name, id: id, online: n.online, unclean: n.unclean, standby: n.standby,
                                 maintenance: n.maintenance, shutdown: n.shutdown, pending: n.pending,
                                 expectedUp: false, isDC: isDC, attributes: attrs))
        }
        // Transient attributes and `expected` from each node's first matching <node_state>.
        var seen = Set<Int>()
        for state in cib.firstElement(named: "status")?.elements(named: "node_state") ?? [] {
            guard let id = state["id"], let uname = state["uname"] else { continue }
            guard let index = nodes.firstIndex(where: { $0.id == id }) ?? nodes.firstIndex(where: { $0.name == uname }) else { continue }
            if let transient = state.firstElement(named: "transient_attributes") {
                reader.unpack(transient, setName: "instance_attributes", into: &nodes[index].attributes, overwrite: true)
            }
            let shutdown = nodes[index].attributes["shutdown"].map { !$0.isEmpty && $0 != "0" } ?? false
            nodes[index].expectedUp = !shutdown && state["expected"]?.lowercased() == "member"
            if seen.insert(index).inserted { nodeStates.append((index, state)) }
        }

        // `standby` and `maintenance` as the attributes say when they say it (several
        // attribute blocks apply later blocks first, see NVPairReader); other causes
        // (a pending join, on-fail=standby) stay as the scheduler found them.
        for i in nodes.indices {
            if let v = nodes[i].attributes["standby"] { nodes[i].standby = isTrue(v) || (nodes[i].pending && nodes[i].standby) }
            if let v = nodes[i].attributes["maintenance"] { nodes[i].maintenance = isTrue(v) }
        }

        // Resources: state from the scheduler, agent, meta and parameters from the CIB.
        let rscDefaults = configuration?.firstElement(named: "rsc_defaults")
        var configured: [String: (element: XMLElement, parent: XMLElement?)] = [:]
        for top in configuration?.firstElement(named: "resources")?.elements ?? [] {
            configured[top.id] = (top, nil)
            if top.name == "group" { for m in top.elements(named: "primitive") { configured[m.id] = (m, top) } }
        }
        func metaTable(_ element: XMLElement, parent: XMLElement?) -> [String: String] {
            var meta: [String: String] = [:]
            for a in element.attributes { meta[a.name] = a.value }
            reader.unpack(element, setName: "meta_attributes", into: &meta, overwrite: false)
            if let parent { reader.unpack(parent, setName: "meta_attributes", into: &meta, overwrite: false) }
            reader.unpack(rscDefaults, setName: "meta_attributes", into: &meta, overwrite: false)
            if let parent {
                for (k, v) in metaTable(parent, parent: nil) where meta[k] == nil { meta[k] = v }
            }
            return meta
        }
        func convert(_ r: ClusterStatus.ResourceState) -> MonResource {
            let found = configured[r.id]
            let element = found?.element ?? XMLElement("primitive", [("id", r.id)])
            var parameters: [String: String] = [:]
            reader.unpack(element, setName: "instance_attributes", into: &parameters, overwrite: false)
            var meta = metaTable(element, parent: found?.parent)
            let pieces = r.agent.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if r.orphan {
                // Orphans are made from the history entry's class, provider and type.
                meta = [:]
                reader.unpack(rscDefaults, setName: "meta_attributes", into: &meta, overwrite: false)
            }
            let resourceClass = element["class"] ?? pieces.first ?? "unknown"
            let provider = element["class"] != nil ? element["provider"] : (pieces.count == 3 ? pieces[1] : nil)
            return MonResource(
                id: r.id, isGroup: r.isGroup, members: r.members.map(convert),
                resourceClass: resourceClass, provider: resourceClass.lowercased() == "ocf" ? provider : nil,
                agentType: element["type"] ?? pieces.last ?? "unknown",
                role: r.role, nodes: r.nodes, failed: r.failed, managed: r.managed, blocked: r.blocked,
                orphan: r.orphan, failureIgnored: r.failureIgnored, pendingTask: r.pendingTask,
                meta: meta, parameters: parameters, description: element["description"],
                blockingOps: blockingOps(element))
        }
        func blockingOps(_ element: XMLElement) -> [(name: String, intervalMs: Int)] {
            var ops: [(name: String, intervalMs: Int)] = []
            element.forEachElement { op in
                if op.name == "op", op["on-fail"] == "block" {
                    ops.append((op["name"] ?? "", IntervalSpec.intervalMilliseconds(op["interval"])))
                }
            }
            return ops
        }
        resources = status.resources.map(convert)
        unpackHistory()
    }
}
