// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Cluster options, defaults sections and nodes. Mirrors `unpack_config()` and
/// `unpack_nodes()` (lib/pengine/unpack.c).
extension WorkingSet {
    var configuration: XMLElement? { input.firstElement(named: "configuration") }

    func unpackConfig() {
        haveQuorum = isTrue(input["have-quorum"]) 
        if input["have-quorum"] == nil { haveQuorum = false }
        dcUUID = input["dc-uuid"]
        guard let config = configuration else { return }
        if let crm = config.firstElement(named: "crm_config") {
            nvpairs(of: crm, setName: "cluster_property_set", into: &properties)
        }
        if let d = config.firstElement(named: "rsc_defaults") { nvpairs(of: d, setName: "meta_attributes", into: &rscDefaults) }
        if let d = config.firstElement(named: "op_defaults") { nvpairs(of: d, setName: "meta_attributes", into: &opDefaults) }
        stonithEnabled = properties["stonith-enabled"].map(isTrue) ?? true
        if isTrue(properties["have-watchdog"]) { haveStonithResource = true }
        stonithAction = properties["stonith-action"]?.lowercased() ?? "reboot"
        if stonithAction == "poweroff" { stonithAction = "off" }
        if stonithAction != "reboot" && stonithAction != "off" && stonithAction != "on" { stonithAction = "reboot" }
        concurrentFencing = isTrue(properties["concurrent-fencing"])
        enableUnfencing = configuresUnfencing(config)
        let strategy = properties["placement-strategy"]?.lowercased() ?? "default"
        placementStrategy = ["default", "utilization", "minimal", "balanced"].contains(strategy) ? strategy : "default"
        symmetric = properties["symmetric-cluster"].map(isTrue) ?? true
        maintenanceMode = isTrue(properties["maintenance-mode"])
        stopEverything = isTrue(properties["stop-all-resources"])
        stopOrphanResources = properties["stop-orphan-resources"].map(isTrue) ?? true
        stopOrphanActions = properties["stop-orphan-actions"].map(isTrue) ?? true
        startFailureIsFatal = properties["start-failure-is-fatal"].map(isTrue) ?? true
        switch properties["no-quorum-policy"]?.lowercased() {
        case nil, "stop": noQuorumPolicy = .stop
        case "ignore": noQuorumPolicy = .ignore
        case "freeze": noQuorumPolicy = .freeze
        case "demote": noQuorumPolicy = .demote
        case "suicide":
            // Only a cluster that has had quorum (or is told to panic) kills itself.
            let panic = (Int(input["no-quorum-panic"] ?? "") ?? 0) != 0
            noQuorumPolicy = stonithEnabled && (panic || haveQuorum) ? .suicide : .stop
        case let other?:
            warn("Resetting no-quorum-policy to 'stop': '\(other)' is not valid")
            noQuorumPolicy = .stop
        }
        if let legacy = properties["default-resource-stickiness"], rscDefaults["resource-stickiness"] == nil {
            rscDefaults["resource-stickiness"] = legacy
        }
        if let legacy = properties["is-managed-default"], rscDefaults["is-managed"] == nil {
            rscDefaults["is-managed"] = legacy
        }
    }

    /// Mirrors `XPATH_ENABLE_UNFENCING`: a `provides` or `requires` meta-attribute of
    /// `unfencing` on any resource or in `rsc_defaults`.
    private func configuresUnfencing(_ config: XMLElement) -> Bool {
        func unfencingPair(_ set: XMLElement) -> Bool {
            set.elements(named: "nvpair").contains { ($0["name"] == "provides" || $0["name"] == "requires") && $0["value"] == "unfencing" }
        }
        var found = false
        config.firstElement(named: "resources")?.forEachElement { el in
            if !found && el.name == "meta_attributes" && unfencingPair(el) { found = true }
        }
        if let defaults = config.firstElement(named: "rsc_defaults") {
            found = found || defaults.elements(named: "meta_attributes").contains(where: unfencingPair)
        }
        return found
    }

    func unpackNodes() {
        guard let nodesEl = configuration?.firstElement(named: "nodes") else { return }
        for el in nodesEl.elements(named: "node") {
            guard let id = el["id"] else { warn("Ignoring <node> entry in configuration without id"); continue }
            let uname = el["uname"] ?? id
            let type = el["type"]?.lowercased()
            if type == "ping" { continue }
            if nodeByID[id] != nil || nodeByUname[uname] != nil { continue }
            let node = Node(id: id, uname: uname)
            if type == "remote" { node.kind = .remote }
            node.baseWeight = Score(parsing: el["score"]).value
            node.utilization = utilization(of: el)
            nodes.append(node)
            nodeByID[id] = node
            nodeByUname[uname] = node
        }
        nodes += remoteNodesFromResources()
        nodes += remoteNodesFromOrphanConnections()
        nodes = mergeSorted(nodes) { numericCompare($0.uname, $1.uname) <= 0 }
        for (i, n) in nodes.enumerated() { n.index = i }
        for node in nodes {
            node.attributes["#kind"] = node.isRemote ? "remote" : "cluster"
            guard let el = nodesEl.elements(named: "node").first(where: { $0["id"] == node.id }) else { continue }
            node.attributes["#uname"] = node.uname
            node.attributes["#id"] = node.id
            node.isDC = dcUUID == node.id
            node.attributes["#is_dc"] = node.isDC ? "true" : "false"
            var attrs: [String: String] = [:]
            nvpairs(of: el, setName: "instance_attributes", node: node, into: &attrs)
            for (k, v) in attrs where node.attributes[k] == nil { node.attributes[k] = v }
            node.standby = isTrue(node.attributes["standby"])
            node.maintenance = isTrue(node.attributes["maintenance"])
            // Until status says otherwise a configured node is offline and unclean
            // when fencing is enabled (startup-fencing), as handle_startup_fencing().
            if !node.isRemote { handleStartupFencing(node) }
        }
    }
}

/// Case-insensitive comparison with digit runs compared as numbers, as
/// `pcmk__numeric_strcasecmp()` orders node names ("node9" before "node10").
func numericCompare(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased().utf8), y = Array(b.lowercased().utf8)
    var i = 0, j = 0
    while i < x.count && j < y.count {
        let cx = x[i], cy = y[j]
        let dx = cx >= 48 && cx <= 57, dy = cy >= 48 && cy <= 57
        if dx && dy {
            var ei = i, ej = j
            while ei < x.count && x[ei] == 48 { ei += 1 }
            while ej < y.count && y[ej] == 48 { ej += 1 }
            var ni = ei, nj = ej
            while ni < x.count && x[ni] >= 48 && x[ni] <= 57 { ni += 1 }
            while nj < y.count && y[nj] >= 48 && y[nj] <= 57 { nj += 1 }
            if ni - ei != nj - ej { return ni - ei < nj - ej ? -1 : 1 }
            for k in 0..<(ni - ei) where x[ei + k] != y[ej + k] { return x[ei + k] < y[ej + k] ? -1 : 1 }
            if ni - i != nj - j { return ni - i < nj - j ? -1 : 1 }   // "7" before "007"
            i = ni; j = nj
        } else {
            if cx != cy { return cx < cy ? -1 : 1 }
            i += 1; j += 1
        }
    }
    if i < x.count { return 1 }
    if j < y.count { return -1 }
    return 0
}
