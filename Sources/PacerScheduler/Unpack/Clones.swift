// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Clones and their instances. Mirrors `clone_unpack()` and
/// `pe__create_clone_child()` (lib/pengine/clone.c), and for history the
/// anonymous-instance lookup of `unpack_find_resource()` and
/// `find_anonymous_clone()` (lib/pengine/unpack.c).
extension WorkingSet {
    func makeClone(_ el: XMLElement) -> Resource? {
        guard let id = el["id"], !id.isEmpty else { warn("Ignoring <clone> configuration without id"); return nil }
        if resourceByID[id] != nil || cloneBaseIDs.contains(id) { warn("Ignoring duplicate resource '\(id)'"); return nil }
        guard let child = el.elements.first(where: { $0.name == "primitive" || $0.name == "group" }) else {
            warn("Ignoring clone '\(id)': it has nothing to clone"); return nil
        }
        guard let childID = child["id"], !childID.isEmpty, resourceByID[childID] == nil, childID != id else {
            warn("Ignoring clone '\(id)': its child has no id or a duplicate one"); return nil
        }
        let rsc = Resource(id: id, variant: .clone, xml: el, nodeCount: nodes.count)
        resourceByID[id] = rsc
        for a in el.attributes { rsc.meta[a.name] = a.value }
        nvpairs(of: el, setName: "meta_attributes", into: &rsc.meta)
        for (k, v) in rscDefaults where rsc.meta[k] == nil { rsc.meta[k] = v }
        applyMeta(rsc)
        rsc.unique = isTrue(rsc.meta["globally-unique"])
        var info = CloneInfo(template: child)
        // clone-node-max defaults to 1, clone-max to the number of nodes (at least 1).
        info.nodeMax = rsc.meta["clone-node-max"].map { max(Int($0) ?? 0, 0) } ?? 1
        info.max = rsc.meta["clone-max"].map { max(Int($0) ?? 0, 0) } ?? max(1, symmetricDefaultNodes.count)
        info.ordered = isTrue(rsc.meta["ordered"])
        info.interleave = isTrue(rsc.meta["interleave"])
        info.notify = isTrue(rsc.meta["notify"])
        // detect_promotable(): promotable=true, or the legacy <master> element.
        info.promotable = isTrue(rsc.meta["promotable"]) || el.name == "master"
        if info.promotable {
            func count(_ names: [String]) -> Int {
                for n in names { if let v = rsc.meta[n] { return max(Int(v) ?? 0, 0) } }
                return 1
            }
            info.promotedMax = count(["promoted-max", "master-max"])
            info.promotedNodeMax = count(["promoted-node-max", "master-node-max"])
        }
        if !rsc.unique && info.nodeMax > 1 {
            warn("Ignoring clone-node-max for \(id) because anonymous clones support only one instance per node")
            info.nodeMax = 1
        }
        rsc.clone = info
        // Clones are slightly sticky by default; instances inherit these.
        if rsc.meta["resource-stickiness"] == nil { rsc.meta["resource-stickiness"] = "1" }
        rsc.meta["globally-unique"] = rsc.unique ? "true" : "false"
        cloneBaseIDs.insert(childID)
        // (clone-max may shrink while the first instance is made: pe__force_anon())
        while rsc.clone!.total < max(rsc.clone!.max, 1) {
            if newCloneInstance(rsc) == nil { return nil }
        }
        if symmetric { rsc.addLocation(nil, 0, nodes: symmetricDefaultNodes) }
        return rsc
    }

    /// Mirrors `pe__create_clone_child()`: the next numbered instance (an orphan
    /// once clone-max instances exist).
    @discardableResult
    func newCloneInstance(_ clone: Resource) -> Resource? {
        guard var info = clone.clone else { return nil }
        let asOrphan = info.total >= info.max
        guard let child = makeResource(info.template, parent: clone, incarnation: info.total) else { return nil }
        info.total += 1
        clone.clone = info
        clone.children.append(child)
        if asOrphan { markOrphan(child) }
        return child
    }

    /// Mirrors `pe__force_anon()` and `recursive_clear_unique()`: a clone of an agent
    /// that cannot be unique is anonymous, one instance per node at most.
    func forceAnonymous(_ rsc: Resource) {
        let clone = rsc.top
        warn("Ignoring globally-unique for \(clone.id) because \(rsc.resourceClass) resources such as \(rsc.id) can be used only as anonymous clones")
        if var info = clone.clone {
            info.nodeMax = 1
            info.max = min(info.max, symmetricDefaultNodes.count)
            clone.clone = info
        }
        func clear(_ r: Resource) { r.unique = false; r.children.forEach(clear) }
        clear(clone)
        var p: Resource? = rsc
        while let r = p, r !== clone { r.unique = false; p = r.parent }
    }

    private func markOrphan(_ rsc: Resource) {
        rsc.orphan = true
        rsc.children.forEach(markOrphan)
    }

    /// The instance number of a clone instance id (`ID:N`).
    func instanceNumber(_ rsc: Resource) -> Int {
        guard let colon = rsc.id.lastIndex(of: ":") else { return 0 }
        return Int(rsc.id[rsc.id.index(after: colon)...]) ?? 0
    }

    /// `clone_strip()`: the id without an instance number (`:` and digits at the end).
    func cloneStrip(_ id: String) -> String {
        guard let colon = id.lastIndex(of: ":") else { return id }
        let digits = id[id.index(after: colon)...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return id }
        return String(id[..<colon])
    }

    /// The member of `instance` (itself, or a member of a cloned group) whose base id is `base`.
    func instanceMember(_ instance: Resource, base: String) -> Resource? {
        if instance.variant == .primitive { return cloneStrip(instance.id) == base ? instance : nil }
        for c in instance.children { if let m = instanceMember(c, base: base) { return m } }
        return nil
    }

    /// Nodes an instance is active on (for a cloned group, any member's).
    func instanceLocations(_ rsc: Resource) -> [Node] {
        if rsc.variant == .primitive { return rsc.runningOn }
        var list: [Node] = []
        for c in rsc.children { for n in instanceLocations(c) where !list.contains(where: { $0 === n }) { list.append(n) } }
        return list
    }

    /// `pe__is_universal_clone()`: as many instances as nodes.
    func isUniversalClone(_ rsc: Resource) -> Bool {
        rsc.variant == .clone && rsc.clone!.max == nodes.count
    }

    func blockedRecursive(_ rsc: Resource) -> Bool {
        rsc.block || rsc.children.contains { blockedRecursive($0) }
    }

    /// The resource a history entry on `node` belongs to: for an anonymous clone, the
    /// instance active there, else a free one, else a new orphan instance
    /// (`unpack_find_resource()` / `find_anonymous_clone()`). Nil: no such resource.
    func historyResource(_ rscID: String, _ node: Node) -> Resource? {
        var rsc = resourceByID[rscID]
        var parent: Resource?
        if rsc == nil {
            if let zero = resourceByID[cloneStrip(rscID) + ":0"], zero.inClone, !zero.unique {
                rsc = zero
                parent = zero.top
            }
        } else if rsc!.variant != .primitive {
            return rsc
        } else {
            parent = rsc!.top
        }
        if let parent, parent.variant == .clone, !parent.unique {
            rsc = findAnonymousInstance(node, parent, cloneStrip(rscID))
        }
        if let found = rsc, found.id != rscID && found.cloneName != rscID { found.cloneName = rscID }
        return rsc
    }

    /// Every resource whose id or history name (`clone_name`) is `id`, depth first
    /// (`pcmk__rscs_matching_id()` returns them reversed).
    func resourcesMatching(_ id: String) -> ResourceMatches {
        if renamedIndex == nil {
            var index: [String: ResourceMatches] = [:]
            index.reserveCapacity(allPrimitives.count + resources.count)
            func add(_ key: String, _ r: Resource) {
                if index[key] == nil { index[key] = ResourceMatches(first: r) } else { index[key]!.rest.append(r) }
            }
            func walk(_ r: Resource) {
                add(r.id, r)
                if let n = r.cloneName, n != r.id { add(n, r) }
                r.children.forEach(walk)
            }
            resources.forEach(walk)
            renamedIndex = index
        }
        return renamedIndex![id] ?? ResourceMatches()
    }

    /// `pe_find_resource()`: the first resource, depth first, whose id or history
    /// name (`clone_name`) is `id`.
    func findResourceRenamed(_ id: String) -> Resource? { resourcesMatching(id).first }

    /// The resource name crm_simulate shows for an action of `rsc` (cluster actions
    /// use the graph's id; resource actions the id if the input knows it, else the
    /// long id), as `add_resource_details()` and `simulate_resource_action()` choose.
    func actionResourceName(_ rsc: Resource, cluster: Bool) -> String {
        var id = rsc.id
        var long: String?
        if rsc.orphan, let n = rsc.cloneName {
            id = n; long = rsc.id
        } else if !rsc.unique {
            id = rsc.xml["id"] ?? cloneStrip(rsc.id)
            if let n = rsc.cloneName, n != id { long = n } else { long = rsc.id }
        }
        if cluster { return id }
        if findResourceRenamed(id) == nil, let long, findResourceRenamed(long) != nil { return long }
        return id
    }

    private func findAnonymousInstance(_ node: Node, _ parent: Resource, _ base: String) -> Resource? {
        var found: Resource?
        var inactive: Resource?
        var skipInactive = false
        for child in parent.children where found == nil {
            let locations = instanceLocations(child)
            if let first = locations.first {
                if first === node, let member = instanceMember(child, base: base) {
                    if !member.runningOn.isEmpty { skipInactive = true } else { found = member }
                }
            } else if !skipInactive && inactive == nil && !child.block {
                inactive = instanceMember(child, base: base)
            }
        }
        if found == nil && !skipInactive { found = inactive }
        if let f = found, !f.needsFencing, !node.online || node.unclean, !isUniversalClone(parent) { found = nil }
        if found == nil, let top = newCloneInstance(parent) { found = instanceMember(top, base: base) }
        return found
    }
}
