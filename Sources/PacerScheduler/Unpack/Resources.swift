// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Primitives and groups from `<resources>`. Mirrors `unpack_resources()` and
/// `pe__unpack_resource()` (lib/pengine/unpack.c, complex.c).
extension WorkingSet {
    func unpackResources() {
        guard let resEl = configuration?.firstElement(named: "resources") else { return }
        var list: [Resource] = []
        for el in resEl.elements + guestConnectionXML {
            switch el.name {
            case "primitive", "group":
                if let r = makeResource(el, parent: nil) { list.append(r) }
            case "clone", "master":
                if let r = makeClone(el) { list.append(r) }
            case "template": continue
            default:
                warn("Ignoring <\(el.name)> resource '\(el.id)': not supported by this scheduler")
            }
        }
        linkRemoteNodes(list)
        // g_list_sort(…, pe__cmp_rsc_priority) is a stable merge sort.
        resources = stableSorted(list) { $0.priority > $1.priority }
        for (i, r) in resources.enumerated() { r.index = i }
    }

    /// The nodes known when the configuration is unpacked: those a symmetric cluster allows
    /// every resource on and clone-max counts (not the nodes of orphaned connections).
    var symmetricDefaultNodes: [Node] {
        nodes.contains(where: \.orphanConnection) ? nodes.filter { !$0.orphanConnection } : nodes
    }

    func makeResource(_ original: XMLElement, parent: Resource?, incarnation: Int? = nil, orphan: Bool = false) -> Resource? {
        guard let baseID = original["id"], !baseID.isEmpty else { warn("Ignoring <\(original.name)> configuration without id"); return nil }
        guard let el = expandTemplate(original) else { return nil }
        // pe__unpack_resource(): a clone instance is named ID:N.
        let id = incarnation.map { "\(baseID):\($0)" } ?? baseID
        if !orphan && (resourceByID[id] != nil || (incarnation == nil && cloneBaseIDs.contains(id))) {
            warn("Ignoring duplicate resource '\(id)'"); return nil
        }
        let variant: Resource.Variant = el.name == "group" ? .group : .primitive
        let rsc = Resource(id: id, variant: variant, xml: el, nodeCount: nodes.count)
        rsc.parent = parent
        if resourceByID[id] == nil { resourceByID[id] = rsc }
        // get_meta_attributes(): XML attributes, own meta sets, parent's meta, rsc_defaults.
        for a in el.attributes { rsc.meta[a.name] = a.value }
        nvpairs(of: el, setName: "meta_attributes", into: &rsc.meta)
        if let parent { for (k, v) in parent.meta where rsc.meta[k] == nil { rsc.meta[k] = v } }
        for (k, v) in rscDefaults where rsc.meta[k] == nil { rsc.meta[k] = v }
        rsc.resourceClass = el["class"] ?? ""
        rsc.provider = el["provider"]
        rsc.agentType = el["type"] ?? ""
        rsc.utilization = utilization(of: el)
        applyMeta(rsc)
        if rsc.top.variant == .clone {
            rsc.unique = isTrue(rsc.meta["globally-unique"])
            // native_unpack(): only OCF and stonith agents can be unique clones.
            let cls = rsc.resourceClass.lowercased()
            if variant == .primitive && rsc.unique && cls != "ocf" && cls != "stonith" { forceAnonymous(rsc) }
        }
        if variant == .primitive {
            rsc.ops = unpackOps(el)
            allPrimitives.append(rsc)
        } else {
            for child in el.elements(named: "primitive") {
                if incarnation != nil, let cid = child["id"] { cloneBaseIDs.insert(cid) }
                if let c = makeResource(child, parent: rsc, incarnation: incarnation) { rsc.children.append(c) }
            }
        }
        if symmetric { rsc.addLocation(nil, 0, nodes: symmetricDefaultNodes) }
        return rsc
    }

    /// A primitive referring to a `<template>`: the template's agent and children
    /// followed by the primitive's own, operations merged. Mirrors `unpack_template()`.
    private func expandTemplate(_ el: XMLElement) -> XMLElement? {
        guard let ref = el["template"] else { return el }
        guard ref != el.id else { warn("Ignoring '\(el.id)': it refers to itself as template"); return nil }
        guard let template = configuration?.firstElement(named: "resources")?.elements(named: "template")
                .first(where: { $0.id == ref }) else {
            warn("Ignoring '\(el.id)': no template named '\(ref)'"); return nil
        }
        var expanded = template
        expanded.name = el.name
        expanded["id"] = el.id
        let templateOps = template.firstElement(named: "operations")
        expanded.children.removeAll { if case .element(let c) = $0 { return c.name == "operations" && templateOps != nil } else { return false } }
        var ownOps: XMLElement?
        for child in el.elements {
            if child.name == "operations" { ownOps = child } else { expanded.append(child) }
        }
        func opKey(_ op: XMLElement) -> String { "\(op["name"] ?? "")-\(op["role"] ?? "Started")" }
        if var ops = ownOps {
            if let templateOps {
                let have = Set(ops.elements(named: "op").map(opKey))
                for op in templateOps.elements(named: "op") where !have.contains(opKey(op)) { ops.append(op) }
            }
            expanded.append(ops)
        } else if let templateOps {
            expanded.append(templateOps)
        }
        return expanded
    }

    /// Reads the meta-attributes the scheduler acts on (`pe__unpack_resource()`).
    func applyMeta(_ rsc: Resource) {
        let m = rsc.meta
        rsc.managed = !maintenanceMode
        rsc.priority = Score(parsing: m["priority"]).value
        rsc.critical = m["critical"].map(isTrue) ?? true
        if let v = m["is-managed"], v.lowercased() != "default" { rsc.managed = isTrue(v) }
        if isTrue(m["maintenance"]) { rsc.managed = false; rsc.maintenance = true }
        if maintenanceMode { rsc.managed = false; rsc.maintenance = true }
        rsc.restartTypeRestart = m["restart-type"]?.lowercased() == "restart"
        switch m["multiple-active"]?.lowercased() {
        case "stop_only": rsc.recoveryType = .stopOnly
        case "block": rsc.recoveryType = .block
        case "stop_unexpected": rsc.recoveryType = .stopUnexpected
        default: rsc.recoveryType = .stopStart
        }
        if let v = m["resource-stickiness"], v.lowercased() != "default" { rsc.stickiness = Score(parsing: v).value }
        if let v = m["migration-threshold"], v.lowercased() != "default" {
            rsc.migrationThreshold = Score(parsing: v).value
            if rsc.migrationThreshold < 0 { rsc.migrationThreshold = 1 }
        }
        if rsc.resourceClass.equalsIgnoringASCIICase("stonith") {
            haveStonithResource = true
            rsc.isFenceDevice = true
        }
        // unpack_requires()
        var requires = m["requires"]?.lowercased()
        if requires == "fencing" || requires == "unfencing" {
            if !stonithEnabled || rsc.isFenceDevice { requires = "quorum" }
        } else if requires != "nothing" && requires != "quorum" {
            if rsc.isFenceDevice || isRemoteConnection(rsc) { requires = "quorum" }
            else if enableUnfencing { requires = stonithEnabled ? "unfencing" : "quorum" }
            else if stonithEnabled { requires = "fencing" }
            else if noQuorumPolicy == .ignore { requires = "nothing" }
            else { requires = "quorum" }
        }
        rsc.needsQuorum = requires == "quorum"
        rsc.needsFencing = requires == "fencing" || requires == "unfencing"
        rsc.needsUnfencing = requires == "unfencing"
        if let v = m["failure-timeout"] { rsc.failureTimeout = IntervalSpec.intervalMilliseconds(v) / 1000 }
        rsc.isRemoteNode = rsc.variant == .primitive && isRemoteConnection(rsc)
        let remoteNode = rsc.isRemoteNode && m["container"] == nil
        if let v = m["allow-migrate"] { rsc.allowMigrate = isTrue(v) } else { rsc.allowMigrate = remoteNode }
        if remoteNode {
            var params: [String: String] = [:]
            nvpairs(of: rsc.xml, setName: "instance_attributes", into: &params)
            if let v = params["reconnect_interval"] {
                rsc.remoteReconnectMs = IntervalSpec.intervalMilliseconds(v)
                rsc.failureTimeout = rsc.remoteReconnectMs / 1000
            }
        }
        if let v = m["target-role"] { rsc.nextRole = targetRole(v, rsc: rsc) ?? .unknown }
    }

    func isRemoteConnection(_ rsc: Resource) -> Bool {
        rsc.resourceClass == "ocf" && rsc.provider == "pacemaker" && rsc.agentType == "remote"
    }

    /// Mirrors `get_target_role()`: nil when the value means "default".
    func targetRole(_ value: String?, rsc: Resource) -> Role? {
        guard let value, value.lowercased() != "started", value.lowercased() != "default" else { return nil }
        let role = Role(text: value)
        if role == .unknown {
            warn("Ignoring 'target-role' for \(rsc.id) because '\(value)' is not valid")
            return nil
        }
        if role > .started { return nil }
        return role
    }

    func unpackOps(_ el: XMLElement) -> [OpConfig] {
        guard var opsEl = el.firstElement(named: "operations") else { return [] }
        if let ref = opsEl["id-ref"], let target = element(withID: ref) { opsEl = target }
        var result: [OpConfig] = []
        for op in opsEl.elements(named: "op") {
            var o = op
            if let ref = op["id-ref"], let target = element(withID: ref) { o = target }
            var meta = AttributeMap()
            for a in o.attributes { meta[a.name] = a.value }
            nvpairs(of: o, setName: "meta_attributes", into: &meta)
            for (k, v) in opDefaults where meta[k] == nil { meta[k] = v }
            let name = meta["name"] ?? ""
            result.append(OpConfig(id: o.id, name: name, intervalMs: IntervalSpec.intervalMilliseconds(meta["interval"]),
                                   role: Role(text: meta["role"] ?? ""), onFail: meta["on-fail"],
                                   enabled: meta["enabled"].map(isTrue) ?? true, timeout: meta["timeout"]))
        }
        return result
    }

    /// A resource for history whose configuration is gone (`create_fake_resource()`).
    func makeOrphan(id: String, entry: XMLElement) -> Resource {
        var el = XMLElement("primitive", [("id", id)])
        // copy_in_properties(): the history entry's attributes (a container among them).
        for name in ["class", "type", "provider", "container"] { if let v = entry[name] { el[name] = v } }
        // The id is unknown here (checked by the caller), so this cannot be a duplicate.
        guard let rsc = makeResource(el, parent: nil, orphan: true) else { preconditionFailure("orphan '\(id)' could not be created") }
        rsc.orphan = true
        rsc.orphanContainerFiller = entry["container"] != nil
        if !stopOrphanResources { rsc.managed = false } else { rsc.addLocation(nil, -Score.infinityValue, nodes: nodes) }
        rsc.index = resources.count
        resources.append(rsc)
        linkOrphanConnection(rsc)
        return rsc
    }
}
