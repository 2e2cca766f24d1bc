// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// The CIB edits behind `pacer resource …` and `pacer node maintenance`, as crmsh and
/// crm_resource make them (ids as in REFERENCE.md §1).
public enum ResourceEdits {
    /// Resource ids defined in `<resources>` (primitives, groups, clones), with their element names.
    static func resources(of cib: XMLElement) -> [String: String] {
        var result: [String: String] = [:]
        cib.firstElement(named: "configuration")?.firstElement(named: "resources")?.forEachElement { element in
            if ["primitive", "group", "clone", "master", "bundle"].contains(element.name), let id = element["id"] { result[id] = element.name }
        }
        return result
    }

    public static func requireResource(_ id: String, in cib: XMLElement) throws(CrmError) {
        let known = resources(of: cib)
        guard known[id] != nil else {
            let hint = Suggestion.closest(to: id, among: known.keys.sorted()).map { "; did you mean '\($0)'?" } ?? ""
            throw CrmError(.noSuchObject, "resource '\(id)' not found" + hint)
        }
    }

    public static func requireNode(_ name: String, in cib: XMLElement) throws(CrmError) {
        let nodes = cib.firstElement(named: "configuration")?.firstElement(named: "nodes")?.elements(named: "node").compactMap { $0["uname"] } ?? []
        guard nodes.contains(name) else {
            throw CrmError(.noSuchObject, "node '\(name)' not found" + (nodes.isEmpty ? "" : "; known nodes: \(nodes.joined(separator: ", "))"))
        }
    }

    /// Which attribute sets of a resource: instance attributes (agent parameters) or meta attributes.
    public enum AttributeKind: String, Sendable {
        case parameter = "instance_attributes"
        case meta = "meta_attributes"
    }

    /// Sets a meta attribute on a resource, reusing its first meta set (crm_resource --meta).
    public static func setMeta(_ cib: inout XMLElement, resource: String, name: String, value: String) throws(CrmError) {
        try setAttribute(&cib, .meta, resource: resource, name: name, value: value)
    }

    /// `crm_resource [--meta] --set-parameter NAME --parameter-value VALUE`: the value in the
    /// resource's first set of that kind (a new `RSC-instance_attributes`/`RSC-meta_attributes`
    /// appended after everything else when it has none), nvpair id `SET-NAME`.
    public static func setAttribute(_ cib: inout XMLElement, _ kind: AttributeKind, resource: String, name: String,
                                    value: String) throws(CrmError) {
        try requireResource(resource, in: cib)
        var editor = CIBEditor(cib: cib)
        var resources = editor.takeSection("resources")
        guard let path = resources.path(toID: resource) else { throw CrmError(.noSuchObject, "resource '\(resource)' not found") }
        resources.modify(at: path[...]) { element in
            if let index = element.childIndex(where: { $0.name == kind.rawValue }), case .element(var set) = element.children[index] {
                editor.setNVPair(in: &set, name: name, value: value)
                element.children[index] = .element(set)
            } else {
                let setID = editor.allocateID("\(resource)-\(kind.rawValue)")
                var set = XMLElement(kind.rawValue, [("id", setID)])
                editor.setNVPair(in: &set, name: name, value: value)
                element.append(set)
            }
        }
        editor.putSection(resources)
        cib = editor.cib
    }

    /// `crm_resource [--meta] --delete-parameter NAME`: removes it from the resource's own sets.
    public static func deleteAttribute(_ cib: inout XMLElement, _ kind: AttributeKind, resource: String, name: String) throws(CrmError) {
        _ = try attribute(cib, kind, resource: resource, name: name)
        var editor = CIBEditor(cib: cib)
        var resources = editor.takeSection("resources")
        guard let path = resources.path(toID: resource) else { throw CrmError(.noSuchObject, "resource '\(resource)' not found") }
        resources.modify(at: path[...]) { removeNVPairs(named: name, inSetsNamed: kind.rawValue, of: &$0) }
        editor.putSection(resources)
        cib = editor.cib
    }

    /// `crm_resource [--meta] --get-parameter NAME`: the value in the resource's own sets.
    public static func attribute(_ cib: XMLElement, _ kind: AttributeKind, resource: String, name: String) throws(CrmError) -> String {
        try requireResource(resource, in: cib)
        guard let resources = cib.firstElement(named: "configuration")?.firstElement(named: "resources"),
              let path = resources.path(toID: resource), let element = resources.element(at: path) else {
            throw CrmError(.noSuchObject, "resource '\(resource)' not found")
        }
        for set in element.elements(named: kind.rawValue) {
            if let pair = set.elements(named: "nvpair").first(where: { $0["name"] == name }) { return pair["value"] ?? "" }
        }
        let noun = kind == .meta ? "meta attribute" : "parameter"
        throw CrmError(.noSuchObject, "\(noun) '\(name)' not found for '\(resource)'")
    }

    /// `resource ban R NODE`: `cli-ban-R-on-NODE` (-INFINITY, role Started).
    public static func ban(_ cib: inout XMLElement, resource: String, node: String) throws(CrmError) {
        try requireResource(resource, in: cib)
        try requireNode(node, in: cib)
        let id = "cli-ban-\(resource)-on-\(node)"
        removeLocation(&cib, id: id)
        addLocation(&cib, XMLElement("rsc_location", [("id", id), ("rsc", resource), ("role", "Started"),
                                                      ("node", node), ("score", "-INFINITY")]))
    }

    /// `resource clear R`: removes every move and ban constraint of R; returns their ids.
    @discardableResult
    public static func clear(_ cib: inout XMLElement, resource: String) throws(CrmError) -> [String] {
        try requireResource(resource, in: cib)
        var removed: [String] = []
        cib.withChild(named: "configuration") { configuration in
            configuration.withChild(named: "constraints") { constraints in
                constraints.removeElements { element in
                    let id = element.id
                    let match = element.name == "rsc_location" && (id == "cli-prefer-\(resource)" || id.hasPrefix("cli-ban-\(resource)-on-"))
                    if match { removed.append(id) }
                    return match
                }
            }
        }
        return removed
    }

    /// Move and ban constraints currently in the CIB: (id, resource, node, score).
    public static func overrides(in cib: XMLElement) -> [(id: String, resource: String, node: String, score: String)] {
        (cib.firstElement(named: "configuration")?.firstElement(named: "constraints")?.elements(named: "rsc_location") ?? [])
            .filter { $0.id.hasPrefix("cli-prefer-") || $0.id.hasPrefix("cli-ban-") }
            .map { ($0.id, $0["rsc"] ?? "", constraintNode($0), $0["score"] ?? $0.firstElement(named: "rule")?["score"] ?? "") }
    }

    /// `node maintenance NODE` / `node ready NODE`: the permanent node attribute `maintenance`.
    /// Which set of a node's entry in `<nodes>`: its attributes, or its utilization (crm_attribute -z).
    public enum NodeSet: String, Sendable {
        case attributes = "instance_attributes"
        case utilization = "utilization"
    }

    /// `crm_attribute -N NODE -n NAME -G` (permanent): the value in the node's own set, if any.
    public static func nodeAttribute(_ cib: XMLElement, _ set: NodeSet = .attributes, node: String, name: String) throws(CrmError) -> String? {
        try requireNode(node, in: cib)
        let entry = cib.firstElement(named: "configuration")?.firstElement(named: "nodes")?.elements(named: "node").first { $0["uname"] == node }
        for attributes in entry?.elements(named: set.rawValue) ?? [] {
            if let pair = attributes.elements(named: "nvpair").first(where: { $0["name"] == name }) { return pair["value"] ?? "" }
        }
        return nil
    }

    /// `crm_attribute -N NODE -n NAME -D` (permanent): removes it; nothing to remove is no error.
    public static func deleteNodeAttribute(_ cib: inout XMLElement, _ set: NodeSet = .attributes, node: String, name: String) throws(CrmError) {
        try requireNode(node, in: cib)
        var editor = CIBEditor(cib: cib)
        var nodes = editor.takeSection("nodes")
        if let index = nodes.childIndex(where: { $0.name == "node" && $0["uname"] == node }) {
            nodes.modifyChild(at: index) { removeNVPairs(named: name, inSetsNamed: set.rawValue, of: &$0) }
        }
        editor.putSection(nodes)
        cib = editor.cib
    }

    public static func setNodeAttribute(_ cib: inout XMLElement, node: String, name: String, value: String) throws(CrmError) {
        try setNodeAttribute(&cib, .attributes, node: node, name: name, value: value)
    }

    /// `crm_attribute -N NODE -n NAME -v VALUE [-z]`: in the node's first set of that kind
    /// (`nodes-ID` / `nodes-ID-utilization` when it has none), nvpair `SET-NAME`.
    public static func setNodeAttribute(_ cib: inout XMLElement, _ kind: NodeSet, node: String, name: String, value: String) throws(CrmError) {
        try requireNode(node, in: cib)
        var editor = CIBEditor(cib: cib)
        var nodes = editor.takeSection("nodes")
        guard let index = nodes.childIndex(where: { $0.name == "node" && $0["uname"] == node }),
              case .element(var element) = nodes.children[index] else { return }
        let nodeID = element.id
        if let setIndex = element.childIndex(where: { $0.name == kind.rawValue }), case .element(var set) = element.children[setIndex] {
            editor.setNVPair(in: &set, name: name, value: value)
            element.children[setIndex] = .element(set)
        } else {
            let setID = editor.allocateID(kind == .attributes ? "nodes-\(nodeID)" : "nodes-\(nodeID)-utilization")
            var set = XMLElement(kind.rawValue, [("id", setID)])
            set.append(XMLElement("nvpair", [("id", editor.allocateID("\(setID)-\(name)")), ("name", name), ("value", value)]))
            element.append(set)   // after the node's other sets, as crm_attribute adds it
        }
        nodes.children[index] = .element(element)
        editor.putSection(nodes)
        cib = editor.cib
    }

    /// Fail counts of a resource per node from the status section (sum over its operations).
    public static func failCounts(in cib: XMLElement, resource: String) -> [(node: String, value: Score)] {
        var result: [(node: String, value: Score)] = []
        for state in cib.firstElement(named: "status")?.elements(named: "node_state") ?? [] {
            let pairs = state.firstElement(named: "transient_attributes")?.firstElement(named: "instance_attributes")?.elements(named: "nvpair") ?? []
            var total = 0
            var any = false
            for pair in pairs {
                let name = pair["name"] ?? ""
                guard name == "fail-count-\(resource)" || name.hasPrefix("fail-count-\(resource)#") else { continue }
                total = Score.add(total, Score(parsing: pair["value"]).value)
                any = true
            }
            if any { result.append((state["uname"] ?? state.id, Score(total))) }
        }
        return result
    }

    static func removeLocation(_ cib: inout XMLElement, id: String) {
        cib.withChild(named: "configuration") { configuration in
            configuration.withChild(named: "constraints") { $0.removeElements { $0.name == "rsc_location" && $0.id == id } }
        }
    }

    static func addLocation(_ cib: inout XMLElement, _ location: XMLElement) {
        cib.withChild(named: "configuration") { configuration in
            configuration.withChild(named: "constraints") { $0.append(location) }
        }
    }

    /// Removes the nvpairs called `name` from `element`'s own sets called `setName`.
    static func removeNVPairs(named name: String, inSetsNamed setName: String, of element: inout XMLElement) {
        for index in element.children.indices {
            guard case .element(var set) = element.children[index], set.name == setName else { continue }
            set.removeElements { $0.name == "nvpair" && $0["name"] == name }
            element.children[index] = .element(set)
        }
    }
}
