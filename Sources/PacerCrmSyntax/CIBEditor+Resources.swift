// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// `primitive`, `group`, `clone`, `node` and `node standby|online`.
extension CIBEditor {
    /// A `<primitive>` (or, for `rsc_template`, a `<template>`): its sets and `<operations>` in the
    /// typed order, ids given in document order as crmsh's id pass does.
    mutating func addPrimitive(_ definition: PrimitiveDefinition, template isTemplate: Bool = false) throws(CrmError) {
        if let template = definition.template {
            guard let path = cib.firstElement(named: "configuration")?.firstElement(named: "resources")?.path(toID: template),
                  cib.firstElement(named: "configuration")?.firstElement(named: "resources")?.element(at: path)?.name == "template" else {
                throw CrmError(.noSuchObject, "primitive '\(definition.id)' refers to unknown rsc_template '\(template)'")
            }
        }
        try claimID(definition.id, for: isTemplate ? "rsc_template" : "primitive")
        var attributes = [("id", definition.id)]
        if let template = definition.template {
            attributes.append(("template", template))
        } else {
            attributes.append(("class", definition.resourceClass))
            if let provider = definition.provider { attributes.append(("provider", provider)) }
            attributes.append(("type", definition.type))
        }
        if let description = definition.description { attributes.append(("description", description)) }
        var primitive = XMLElement(isTemplate ? "template" : "primitive", attributes)
        let split = min(definition.operationsIndex ?? definition.blocks.count, definition.blocks.count)
        appendBlocks(Array(definition.blocks[..<split]), owner: definition.id, to: &primitive)
        if !definition.ops.isEmpty {
            var operations = XMLElement("operations")
            for op in definition.ops { operations.append(makeOp(op, resource: definition.id)) }
            primitive.append(operations)
        }
        appendBlocks(Array(definition.blocks[split...]), owner: definition.id, to: &primitive)
        var resources = takeSection("resources")
        resources.append(primitive)
        putSection(resources)
    }

    /// crmsh's op: typed attributes in order, `interval="0"` when none was given, id
    /// `<rsc>-<op>-<interval as typed>`, then op parameters and op meta attributes.
    mutating func makeOp(_ op: OpDefinition, resource: String) -> XMLElement {
        var attributes = [("name", op.name)] + op.attributes.pairs.map { ($0.name, $0.value) }
        let interval = op.attributes.pairs.first { $0.name == "interval" }?.value
        if interval == nil { attributes.append(("interval", "0")) }
        let id = allocateID("\(resource)-\(op.name)-\(interval ?? "0")")
        attributes.append(("id", id))
        var element = XMLElement("op", attributes)
        if !op.params.isEmpty { element.append(nvset("instance_attributes", id: "\(id)-instance_attributes", op.params)) }
        if !op.meta.isEmpty { element.append(nvset("meta_attributes", id: "\(id)-meta_attributes", op.meta)) }
        return element
    }

    mutating func appendBlocks(_ blocks: [AttributeBlock], owner: String, to element: inout XMLElement) {
        for block in blocks {
            element.append(nvset(block.kind.rawValue, id: "\(owner)-\(block.kind.rawValue)", block.values))
        }
    }

    mutating func addGroup(_ definition: GroupDefinition) throws(CrmError) {
        var resources = takeSection("resources")
        defer { putSection(resources) }
        var members: [XMLElement] = []
        for member in definition.members {
            guard let path = resources.path(toID: member), let element = resources.element(at: path) else {
                throw CrmError(.noSuchObject, "group '\(definition.id)' refers to unknown resource '\(member)'")
            }
            guard element.name == "primitive" else {
                throw CrmError(.badValue, "group '\(definition.id)': '\(member)' is a \(element.name), but a group may only contain primitives")
            }
            if path.count > 1, let parent = resources.element(at: Array(path.dropLast())) {
                throw CrmError(.badValue, "group '\(definition.id)': '\(member)' already belongs to \(parent.name) '\(parent.id)'")
            }
            members.append(element)
        }
        try claimID(definition.id, for: "group")
        resources.removeElements { definition.members.contains($0.id) && $0.name == "primitive" }
        var attributes = [("id", definition.id)]
        if let description = definition.description { attributes.append(("description", description)) }
        var group = XMLElement("group", attributes)
        appendBlocks(definition.blocks, owner: definition.id, to: &group)
        for member in members { group.append(member) }
        resources.append(group)
    }

    mutating func addClone(_ definition: CloneDefinition) throws(CrmError) {
        var resources = takeSection("resources")
        defer { putSection(resources) }
        guard let index = resources.childIndex(where: { $0.id == definition.child }),
              case .element(let child) = resources.children[index] else {
            if resources.path(toID: definition.child) != nil {
                throw CrmError(.badValue, "\(definition.master ? "ms" : "clone") '\(definition.id)': '\(definition.child)' is not a top-level primitive or group")
            }
            throw CrmError(.noSuchObject, "\(definition.master ? "ms" : "clone") '\(definition.id)' refers to unknown resource '\(definition.child)'")
        }
        let what = definition.master ? "ms" : "clone"
        guard child.name == "primitive" || child.name == "group" else {
            throw CrmError(.badValue, "\(what) '\(definition.id)': cannot clone a \(child.name)")
        }
        try claimID(definition.id, for: what)
        resources.children.remove(at: index)
        var attributes = [("id", definition.id)]
        if let description = definition.description { attributes.append(("description", description)) }
        var clone = XMLElement(definition.master ? "master" : "clone", attributes)
        appendBlocks(definition.blocks, owner: definition.id, to: &clone)
        clone.append(child)
        resources.append(clone)
        putSection(resources)
        repoint(from: definition.child, to: definition.id)   // constraints must name the clone, not its child
        resources = takeSection("resources")
        if definition.master {
            if definition.typed.first == "master" {
                messages.append("WARNING: This command 'master' is deprecated, please use 'ms'")
                messages.append("INFO: \"master\" is accepted as \"ms\"")
            }
            let arguments = definition.typed.dropFirst()
            let words = arguments.joined(separator: " ")
            messages.append("WARNING: \"ms\" is deprecated. Please use \"clone \(words)\(arguments.contains("meta") ? " " : " meta ")promotable=true\"")
        }
    }

    mutating func addNode(_ definition: NodeDefinition) throws(CrmError) {
        var nodes = takeSection("nodes")
        defer { putSection(nodes) }
        if nodes.elements.contains(where: { $0["uname"] == definition.uname }) {
            throw CrmError(.exists, "cannot create node '\(definition.uname)': it is already defined")
        }
        var attributes: [(String, String)]
        if let id = definition.id {
            try claimID(id, for: "node")
            attributes = [("id", id), ("uname", definition.uname)]
        } else {
            try claimID(definition.uname, for: "node")
            attributes = [("uname", definition.uname), ("id", definition.uname)]
        }
        if let type = definition.type { attributes.append(("type", type)) }
        if let description = definition.description { attributes.append(("description", description)) }
        var node = XMLElement("node", attributes)
        if !definition.attributes.isEmpty {
            node.append(nvset("instance_attributes", id: "\(definition.uname)-instance_attributes", definition.attributes))
        }
        if !definition.utilization.isEmpty {
            node.append(nvset("utilization", id: "\(definition.uname)-utilization", definition.utilization))
        }
        nodes.append(node)
    }

    /// Sets the permanent `standby` node attribute (`on`/`off`), as `crm node standby|online` does.
    mutating func setStandby(node name: String, on: Bool) throws(CrmError) {
        var nodes = takeSection("nodes")
        defer { putSection(nodes) }
        guard let index = nodes.childIndex(where: { $0.name == "node" && ($0["uname"] == name || $0.id == name) }),
              case .element(var node) = nodes.children[index] else {
            let known = nodes.elements(named: "node").compactMap { $0["uname"] }
            throw CrmError(.noSuchObject, "unknown node '\(name)'" + (known.isEmpty ? " (the CIB defines no nodes)" : "; known nodes: \(known.joined(separator: ", "))"))
        }
        if let setIndex = node.childIndex(where: { $0.name == "instance_attributes" }),
           case .element(var set) = node.children[setIndex] {
            setNVPair(in: &set, name: "standby", value: on ? "on" : "off")
            node.children[setIndex] = .element(set)
        } else {
            let setID = allocateID("nodes-\(node.id)")
            var set = XMLElement("instance_attributes", [("id", setID)])
            set.append(XMLElement("nvpair", [("id", allocateID("\(setID)-standby")), ("name", "standby"), ("value", on ? "on" : "off")]))
            node.children.insert(.element(set), at: 0)
        }
        nodes.children[index] = .element(node)
        messages.append("INFO: \(on ? "standby" : "online") node \(name)")
    }
}
