// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// `delete ID`: removes an object and fixes the references to it, as crmsh does.
extension CIBEditor {
    static let constraintKinds = ["rsc_location": "location", "rsc_colocation": "colocation", "rsc_order": "order",
                                  "rsc_ticket": "rsc_ticket"]
    static let referenceAttributes = ["rsc", "with-rsc", "first", "then"]

    mutating func delete(_ id: String) throws(CrmError) {
        if id == "fencing_topology", cib.firstElement(named: "configuration")?.firstElement(named: "fencing-topology") != nil {
            cib.withChild(named: "configuration") { $0.removeElements { $0.name == "fencing-topology" } }
            ids = []
            cib.forEachElement { if let id = $0["id"] { ids.insert(id) } }
            return
        }
        guard let configuration = cib.firstElement(named: "configuration"),
              let path = configuration.path(toID: id), let element = configuration.element(at: path) else {
            throw CrmError(.noSuchObject, "object \(id) does not exist")
        }
        if element.name == "template" {
            // crmsh deletes the primitives made from a template with it.
            var users: [String] = []
            configuration.firstElement(named: "resources")?.forEachElement { if $0.name == "primitive" && $0["template"] == id { users.append($0.id) } }
            if !users.isEmpty {
                for user in users { messages.append("INFO: hanging primitive:\(user) deleted") }
                for user in users { try delete(user) }
                return try delete(id)   // the template's place has moved
            }
        }
        var resources = takeSection("resources")
        switch element.name {
        case "group", "clone", "master":
            // Un-group: the members go back to the top level, constraints follow the first member.
            let children = element.elements.filter { ["primitive", "group"].contains($0.name) }
            removeElement(id: id, from: &resources)
            for child in children { resources.append(child) }
            putSection(resources)
            if let first = children.first { repoint(from: id, to: first.id) }
        case "primitive":
            let parentPath = Array(path.dropLast())
            removeElement(id: id, from: &resources)
            putSection(resources)
            removeReferences(to: id)
            // A group or clone left empty goes too (crmsh: deleting the only child deletes the parent).
            if parentPath.count > 1, let parent = configuration.element(at: parentPath),
               ["group", "clone", "master"].contains(parent.name),
               parent.elements.filter({ ["primitive", "group"].contains($0.name) }).count == 1 {
                var resources = takeSection("resources")
                removeElement(id: parent.id, from: &resources)
                putSection(resources)
                removeReferences(to: parent.id)
                removeTagReferences(to: parent.id)
                // A clone of a group whose last member went.
                let grandparentPath = Array(parentPath.dropLast())
                if grandparentPath.count > 1, let grandparent = configuration.element(at: grandparentPath),
                   ["clone", "master"].contains(grandparent.name) {
                    var resources = takeSection("resources")
                    removeElement(id: grandparent.id, from: &resources)
                    putSection(resources)
                    removeReferences(to: grandparent.id)
                    removeTagReferences(to: grandparent.id)
                }
            }
        default:
            putSection(resources)
            cib.withChild(named: "configuration") { configuration in
                _ = configuration.modify(at: path.dropLast()[...]) { parent in
                    parent.removeElements { $0["id"] == id && $0.name == element.name }
                }
            }
        }
        removeTagReferences(to: id)
        var removed = Set<String>()
        cib.firstElement(named: "configuration")?.forEachElement { if let id = $0["id"] { removed.insert(id) } }
        cib.firstElement(named: "status")?.forEachElement { if let id = $0["id"] { removed.insert(id) } }
        ids = ids.intersection(removed.union(["cib"]))
        cib.forEachElement { if let id = $0["id"] { ids.insert(id) } }
    }

    /// crmsh's `erase`: removes every configuration object but the nodes (properties, defaults,
    /// resources, constraints, tags, alerts …). On a live cluster it is refused, with nothing
    /// deleted, while a managed primitive runs, unless forced (the cluster then stops them all).
    mutating func erase(force: Bool) throws(CrmError) {
        if refuseRunningDeletes && !force {
            var primitives: [String] = []
            cib.firstElement(named: "configuration")?.firstElement(named: "resources")?.forEachElement {
                if $0.name == "primitive" { primitives.append($0.id) }
            }
            for id in primitives {
                do { try refuseIfRunning(id) } catch {
                    throw CrmError(.inUse, error.message + "; erase aborted, nothing was deleted (erase --force stops everything)")
                }
            }
        }
        cib.withChild(named: "configuration") { configuration in
            for index in configuration.children.indices {
                guard case .element(var section) = configuration.children[index], section.name != "nodes" else { continue }
                section.children.removeAll { if case .element = $0 { return true } else { return false } }
                configuration.children[index] = .element(section)
            }
        }
        var kept = Set<String>()
        cib.forEachElement { if let id = $0["id"] { kept.insert(id) } }
        ids = kept
    }

    /// Refuses to delete `id` when it is a managed primitive (or contains one) that runs
    /// somewhere according to the status section, saying how to go on.
    func refuseIfRunning(_ id: String) throws(CrmError) {
        guard let configuration = cib.firstElement(named: "configuration"),
              let path = configuration.path(toID: id), let element = configuration.element(at: path) else { return }
        var primitives: [XMLElement] = []
        if element.name == "primitive" { primitives = [element] }
        // crmsh deletes a running group or clone container (its members stay): only primitives count.
        for primitive in primitives where Self.isManaged(primitive, cib: cib) {
            let nodes = Self.activeNodes(of: primitive.id, in: cib)
            guard !nodes.isEmpty else { continue }
            throw CrmError(.inUse, "resource \(primitive.id) is running (on \(nodes.joined(separator: ", "))), can't delete it: "
                           + "stop it first (pacer resource stop \(primitive.id)), or delete it with --force and the cluster stops it")
        }
    }

    static func isManaged(_ primitive: XMLElement, cib: XMLElement) -> Bool {
        for set in primitive.elements(named: "meta_attributes") {
            for pair in set.elements(named: "nvpair") where pair["name"] == "is-managed" {
                return !["false", "no", "off", "0", "n"].contains((pair["value"] ?? "").lowercased())
            }
        }
        return true
    }

    /// Nodes where the status section's last operation on `resource` leaves it active: anything
    /// but a successful stop or a probe that found it not running (a failed start still needs a stop).
    static func activeNodes(of resource: String, in cib: XMLElement) -> [String] {
        var nodes: [String] = []
        for state in cib.firstElement(named: "status")?.elements(named: "node_state") ?? [] {
            guard let history = state.firstElement(named: "lrm")?.firstElement(named: "lrm_resources")?
                .elements(named: "lrm_resource").first(where: { $0["id"] == resource }) else { continue }
            let ops = history.elements(named: "lrm_rsc_op").filter { ($0["interval"] ?? "0") == "0" }
            guard let last = ops.max(by: { (Int($0["call-id"] ?? "") ?? -1) < (Int($1["call-id"] ?? "") ?? -1) }) else { continue }
            let rc = last["rc-code"] ?? "", task = last["operation"] ?? ""
            if (task == "stop" && rc == "0") || (task == "monitor" && rc == "7") { continue }
            nodes.append(state["uname"] ?? state["id"] ?? "?")
        }
        return nodes
    }

    /// Removes the element with `id` anywhere below `root`.
    func removeElement(id: String, from root: inout XMLElement) {
        guard let path = root.path(toID: id) else { return }
        root.modify(at: path.dropLast()[...]) { parent in parent.removeElements { $0["id"] == id } }
    }

    /// Deletes constraints that name `id` directly and drops it from resource sets.
    mutating func removeReferences(to id: String) {
        var constraints = takeSection("constraints")
        var kept: [XMLNode] = []
        for node in constraints.children {
            guard case .element(var constraint) = node, let kind = Self.constraintKinds[constraint.name] else {
                kept.append(node)
                continue
            }
            if Self.referenceAttributes.contains(where: { constraint[$0] == id }) {
                messages.append("INFO: hanging \(kind):\(constraint.id) deleted")
                continue
            }
            let sets = constraint.elements(named: "resource_set")
            guard sets.contains(where: { $0.elements(named: "resource_ref").contains { $0.id == id } }) else {
                kept.append(node)
                continue
            }
            constraint.children = constraint.children.compactMap { child in
                guard case .element(var set) = child, set.name == "resource_set" else { return child }
                set.removeElements { $0.name == "resource_ref" && $0.id == id }
                return set.elements(named: "resource_ref").isEmpty ? nil : .element(set)
            }
            let remaining = constraint.elements(named: "resource_set").flatMap { $0.elements(named: "resource_ref") }
            let minimum = kind == "location" || kind == "rsc_ticket" ? 1 : 2
            if remaining.count < minimum {
                messages.append("INFO: hanging \(kind):\(constraint.id) deleted")
                continue
            }
            constraint = convertSets(constraint)
            messages.append("INFO: constraint \(kind):\(constraint.id) updated")
            kept.append(.element(constraint))
        }
        constraints.children = kept
        putSection(constraints)
    }

    /// Drops `id` from every tag; a tag left empty goes too ("hanging tag:ID deleted"), as crmsh.
    mutating func removeTagReferences(to id: String) {
        guard cib.firstElement(named: "configuration")?.firstElement(named: "tags") != nil else { return }
        var tags = takeSection("tags")
        var emptied: [String] = []
        tags.children = tags.children.compactMap { node in
            guard case .element(var tag) = node, tag.name == "tag",
                  tag.elements(named: "obj_ref").contains(where: { $0.id == id }) else { return node }
            tag.removeElements { $0.name == "obj_ref" && $0.id == id }
            if tag.elements(named: "obj_ref").isEmpty {
                emptied.append(tag.id)
                return nil
            }
            return .element(tag)
        }
        putSection(tags)
        for tag in emptied {
            messages.append("INFO: hanging tag:\(tag) deleted")
            removeTagReferences(to: tag)
        }
    }

    /// Makes constraints that name `old` name `new` instead.
    mutating func repoint(from old: String, to new: String) {
        var constraints = takeSection("constraints")
        for index in constraints.children.indices {
            guard case .element(var constraint) = constraints.children[index], let kind = Self.constraintKinds[constraint.name] else { continue }
            var changed = false
            for attribute in Self.referenceAttributes where constraint[attribute] == old {
                constraint[attribute] = new
                changed = true
            }
            for setIndex in constraint.children.indices {
                guard case .element(var set) = constraint.children[setIndex], set.name == "resource_set" else { continue }
                for refIndex in set.children.indices {
                    guard case .element(var ref) = set.children[refIndex], ref.name == "resource_ref", ref.id == old else { continue }
                    ref["id"] = new
                    set.children[refIndex] = .element(ref)
                    changed = true
                }
                constraint.children[setIndex] = .element(set)
            }
            if changed, !constraint.elements(named: "resource_set").isEmpty {
                constraint = convertSets(constraint)
            }
            if changed {
                messages.append("INFO: modified \(kind):\(constraint.id) from \(old) to \(new)")
                constraints.children[index] = .element(constraint)
            }
        }
        // A two-resource constraint that now relates the new resource to itself means nothing: drop it.
        constraints.removeElements { constraint in
            guard let kind = Self.constraintKinds[constraint.name], kind != "location", kind != "rsc_ticket" else { return false }
            let (a, b) = kind == "order" ? ("first", "then") : ("rsc", "with-rsc")
            guard let left = constraint[a], left == constraint[b] else { return false }
            messages.append("INFO: hanging \(kind):\(constraint.id) deleted")
            return true
        }
        putSection(constraints)
    }
}
