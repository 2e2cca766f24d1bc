// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// Applies parsed crmsh commands to a CIB tree, generating ids as crmsh 4.4 does.
///
/// The editor works on a copy: a command that throws leaves `cib` as it was before
/// that command. Informational lines crmsh would print (`INFO: …`, `WARNING: …`)
/// are collected in `messages`.
public struct CIBEditor: Sendable {
    public internal(set) var cib: XMLElement
    public internal(set) var messages: [String] = []
    /// Every `id` outside `<status>`, for uniqueness checks and id generation. The status
    /// section's ids are no part of it (a `node_state` has its node's id; the schema's ids
    /// are the configuration's), as crmsh's id registry only knows configuration objects.
    var ids: Set<String>
    /// On a live cluster, `delete` of a running, managed primitive is refused unless forced
    /// (crmsh: "resource X is running, can't delete it").
    public var refuseRunningDeletes = false

    public init(cib: XMLElement) {
        self.cib = cib
        var ids = Set<String>()
        for section in cib.elements where section.name != "status" {
            section.forEachElement { element in if let id = element["id"] { ids.insert(id) } }
        }
        self.ids = ids
        Self.ensureSkeleton(&self.cib)
    }

    /// Applies one command; on error nothing of it is kept.
    public mutating func apply(_ command: CrmCommand, line: Int = 0) throws(CrmError) {
        let savedCIB = cib, savedIDs = ids, savedMessages = messages
        do {
            try applyUnchecked(command)
        } catch {
            cib = savedCIB; ids = savedIDs; messages = savedMessages
            var error = error
            if error.line == 0 { error.line = line }
            throw error
        }
    }

    mutating func applyUnchecked(_ command: CrmCommand) throws(CrmError) {
        switch command {
        case .attributeSet(let set): applyAttributeSet(set)
        case .node(let node): try addNode(node)
        case .primitive(let primitive): try addPrimitive(primitive)
        case .group(let group): try addGroup(group)
        case .clone(let clone): try addClone(clone)
        case .template(let template): try addPrimitive(template, template: true)
        case .tag(let tag): try addTag(tag)
        case .alert(let alert): try addAlert(alert)
        case .ticket(let ticket): try addConstraint("rsc_ticket", ticket) { $0.makeTicket(ticket) }
        case .fencingTopology(let topology): try addFencingTopology(topology)
        case .aclRole(let role): try addAclRole(role)
        case .aclTarget(let target): try addAclTarget(target)
        case .location(let location): try addLocation(location)
        case .colocation(let colocation): try addConstraint("colocation", colocation) { $0.makeColocation(colocation) }
        case .order(let order): try addConstraint("order", order) { $0.makeOrder(order) }
        case .delete(let ids, let force):
            if refuseRunningDeletes && !force {
                for id in ids { try refuseIfRunning(id) }
            }
            for id in ids { try delete(id) }
        case .erase(let force):
            try erase(force: force)
        case .nodeStandby(let node, let on): try setStandby(node: node, on: on)
        case .show, .verify: break
        }
    }

    // MARK: - Skeleton and ids

    static let configurationSections = ["crm_config", "nodes", "resources", "constraints"]

    /// Makes sure `<configuration>` with its four mandatory sections and `<status>` exist.
    static func ensureSkeleton(_ cib: inout XMLElement) {
        if cib.firstElement(named: "configuration") == nil {
            cib.children.insert(.element(XMLElement("configuration")), at: 0)
        }
        cib.withChild(named: "configuration") { configuration in
            for (index, name) in configurationSections.enumerated() where configuration.firstElement(named: name) == nil {
                let position = min(index, configuration.children.count)
                configuration.children.insert(.element(XMLElement(name)), at: position)
            }
        }
        if cib.firstElement(named: "status") == nil { cib.append(XMLElement("status")) }
    }

    /// `base` if unused, else `base-0`, `base-1`, … (crmsh's scheme); the id is reserved.
    mutating func allocateID(_ base: String) -> String {
        var candidate = base
        var suffix = 0
        while ids.contains(candidate) {
            candidate = "\(base)-\(suffix)"
            suffix += 1
        }
        ids.insert(candidate)
        return candidate
    }

    /// Reserves a user-given id, refusing one that exists anywhere in the CIB.
    mutating func claimID(_ id: String, for what: String) throws(CrmError) {
        if ids.contains(id) {
            let existing = elementName(ofID: id) ?? "element"
            throw CrmError(.exists, "cannot create \(what) '\(id)': an element <\(existing)> with that id already exists")
        }
        ids.insert(id)
    }

    func elementName(ofID id: String) -> String? {
        guard let path = cib.path(toID: id) else { return nil }
        return cib.element(at: path)?.name
    }

    /// Takes `<configuration>/<section>` out of the tree (created if missing) so it can be
    /// edited while the editor's other state changes; `putSection` puts it back.
    mutating func takeSection(_ name: String) -> XMLElement {
        var taken = XMLElement(name)
        cib.withChild(named: "configuration") { configuration in
            if let index = configuration.childIndex(where: { $0.name == name }) {
                if case .element(let element) = configuration.children[index] { taken = element }
                configuration.children[index] = .element(XMLElement(name))
            } else {
                configuration.append(XMLElement(name))
            }
        }
        return taken
    }

    mutating func putSection(_ section: XMLElement) {
        cib.withChild(named: "configuration") { configuration in
            if let index = configuration.childIndex(where: { $0.name == section.name }) {
                configuration.children[index] = .element(section)
            }
        }
    }

    /// Builds an nvpair set `<kind id=setID>` with `setID-name` nvpair ids.
    mutating func nvset(_ kind: String, id base: String, _ values: NameValues) -> XMLElement {
        let setID = allocateID(base)
        var set = XMLElement(kind, [("id", setID)])
        for pair in values.pairs {
            set.append(XMLElement("nvpair", [("name", pair.name), ("value", pair.value), ("id", allocateID("\(setID)-\(pair.name)"))]))
        }
        return set
    }

    /// Sets `name=value` in an existing nvpair set, updating in place or appending.
    mutating func setNVPair(in set: inout XMLElement, name: String, value: String) {
        if let index = set.childIndex(where: { $0.name == "nvpair" && $0["name"] == name }) {
            set.modifyChild(at: index) { $0["value"] = value }
        } else {
            let setID = set.id
            set.append(XMLElement("nvpair", [("name", name), ("value", value), ("id", allocateID("\(setID)-\(name)"))]))
        }
    }

    // MARK: - property, rsc_defaults, op_defaults

    mutating func applyAttributeSet(_ command: AttributeSetCommand) {
        let (section, kind, defaultID): (String, String, String)
        switch command.section {
        case .property: (section, kind, defaultID) = ("crm_config", "cluster_property_set", "cib-bootstrap-options")
        case .rscDefaults: (section, kind, defaultID) = ("rsc_defaults", "meta_attributes", "rsc-options")
        case .opDefaults: (section, kind, defaultID) = ("op_defaults", "meta_attributes", "op-options")
        }
        let setID = command.setID ?? defaultID
        var element = takeSection(section)
        if let index = element.childIndex(where: { $0.name == kind && $0.id == setID }) {
            guard case .element(var set) = element.children[index] else { preconditionFailure("childIndex returned a non-element") }
            for pair in command.values.pairs { setNVPair(in: &set, name: pair.name, value: pair.value) }
            element.children[index] = .element(set)
        } else {
            ids.insert(setID)
            var set = XMLElement(kind, [("id", setID)])
            for pair in command.values.pairs { setNVPair(in: &set, name: pair.name, value: pair.value) }
            element.append(set)
        }
        putSection(element)
    }
}
