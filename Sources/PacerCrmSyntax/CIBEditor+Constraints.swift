// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// `location`, `colocation`, `order`.
extension CIBEditor {
    /// Ids of every resource (primitive, group, clone, …) defined in `<resources>`.
    var resourceIDs: Set<String> {
        var result = Set<String>()
        cib.firstElement(named: "configuration")?.firstElement(named: "resources")?.forEachElement { element in
            if ["primitive", "group", "clone", "master", "bundle"].contains(element.name), let id = element["id"] { result.insert(id) }
        }
        return result
    }

    var groupedResourceIDs: Set<String> {
        var result = Set<String>()
        cib.firstElement(named: "configuration")?.firstElement(named: "resources")?.forEachElement { element in
            if element.name == "group" { for child in element.elements(named: "primitive") { result.insert(child.id) } }
        }
        return result
    }

    var nodeNames: Set<String> {
        Set(cib.firstElement(named: "configuration")?.firstElement(named: "nodes")?.elements(named: "node").compactMap { $0["uname"] } ?? [])
    }

    /// Refuses a constraint naming an unknown resource; warns about group members.
    mutating func checkResources(_ ids: [String], constraint: String, kind: String) throws(CrmError) {
        let known = resourceIDs
        for id in ids where !known.contains(id) {
            throw CrmError(.noSuchObject, "\(kind) '\(constraint)' refers to unknown resource '\(id)'")
        }
        let grouped = groupedResourceIDs
        for id in ids where grouped.contains(id) {
            messages.append("WARNING: \(constraint): resource \(id) is grouped, constraints should apply to the group")
        }
    }

    mutating func addLocation(_ definition: LocationDefinition) throws(CrmError) {
        try checkResources([definition.resource], constraint: definition.id, kind: "location")
        try claimID(definition.id, for: "location")
        var attributes = [("id", definition.id), ("rsc", definition.resource)]
        if let role = definition.role { attributes.append(("role", role)) }
        if let discovery = definition.resourceDiscovery { attributes.append(("resource-discovery", discovery)) }
        var element: XMLElement
        if let score = definition.score, let node = definition.node {
            attributes += [("score", score), ("node", node)]
            element = XMLElement("rsc_location", attributes)
            if !nodeNames.contains(node) { messages.append("WARNING: \(definition.id): referenced node \(node) does not exist") }
        } else {
            element = XMLElement("rsc_location", attributes)
            for rule in definition.rules { element.append(makeRule(rule, constraint: definition.id)) }
        }
        appendConstraint(element)
    }

    /// Checks that the constraint's `resources` exist and its `id` is free, then appends the
    /// element `make` builds (it may claim ids of its own, for sets).
    mutating func addConstraint(_ kind: String, id: String, resources: [String],
                                _ make: (inout CIBEditor) -> XMLElement) throws(CrmError) {
        try checkResources(resources, constraint: id, kind: kind)
        try claimID(id, for: kind)
        let element = make(&self)
        appendConstraint(element)
    }

    mutating func appendConstraint(_ element: XMLElement) {
        var constraints = takeSection("constraints")
        constraints.append(element)
        putSection(constraints)
    }

    mutating func makeRule(_ rule: RuleDefinition, constraint: String) -> XMLElement {
        var attributes: [(String, String)] = []
        let id: String
        if let given = rule.id {
            id = given
            ids.insert(given)
            attributes.append(("id", id))
            if let role = rule.role { attributes.append(("role", role)) }
            if let score = rule.score { attributes.append(("score", score)) }
            if let attribute = rule.scoreAttribute { attributes.append(("score-attribute", attribute)) }
            if let op = rule.booleanOp { attributes.append(("boolean-op", op)) }
        } else {
            id = allocateID("\(constraint)-rule")
            if let score = rule.score { attributes.append(("score", score)) }
            if let attribute = rule.scoreAttribute { attributes.append(("score-attribute", attribute)) }
            if let op = rule.booleanOp { attributes.append(("boolean-op", op)) }
            attributes.append(("id", id))
            if let role = rule.role { attributes.append(("role", role)) }
        }
        var element = XMLElement("rule", attributes)
        for expression in rule.expressions {
            let expressionID = allocateID("\(id)-expression")
            switch expression.kind {
            case .compare(let attribute, let operation, let value, let type):
                var attributes = [("operation", operation), ("attribute", attribute)]
                if let type { attributes.append(("type", type)) }
                attributes += [("value", value), ("id", expressionID)]
                element.append(XMLElement("expression", attributes))
            case .defined(let attribute, let negated):
                element.append(XMLElement("expression", [("operation", negated ? "not_defined" : "defined"),
                                                         ("attribute", attribute), ("id", expressionID)]))
            case .date(let operation, let start, let end):
                var attributes = [("operation", operation)]
                if let start { attributes.append(("start", start)) }
                if let end { attributes.append(("end", end)) }
                attributes.append(("id", expressionID))
                element.append(XMLElement("date_expression", attributes))
            }
        }
        return element
    }

    mutating func makeColocation(_ definition: ColocationDefinition) -> XMLElement {
        var attributes = [("id", definition.id), ("score", definition.score)]
        if let attribute = definition.nodeAttribute { attributes.append(("node-attribute", attribute)) }
        return makeSetConstraint("rsc_colocation", attributes, definition, refNames: ["rsc", "with-rsc"])
    }

    mutating func makeOrder(_ definition: OrderDefinition) -> XMLElement {
        var attributes = [("id", definition.id)]
        if let kind = definition.kind { attributes.append(("kind", kind)) }
        if let symmetrical = definition.symmetrical { attributes.append(("symmetrical", symmetrical)) }
        return makeSetConstraint("rsc_order", attributes, definition, refNames: ["first", "then"])
    }

    /// `<rsc_ticket id ticket [loss-policy] [rsc [rsc-role]]>` with sets, as crmsh writes it.
    mutating func makeTicket(_ definition: TicketDefinition) -> XMLElement {
        var attributes = [("id", definition.id), ("ticket", definition.ticket)]
        if let policy = definition.lossPolicy { attributes.append(("loss-policy", policy)) }
        return makeSetConstraint("rsc_ticket", attributes, definition, refNames: ["rsc"])
    }

    /// `addConstraint` for a colocation, order or rsc_ticket: its resources are its refs and sets.
    mutating func addConstraint(_ kind: String, _ definition: some SetConstraintDefinition,
                                _ make: (inout CIBEditor) -> XMLElement) throws(CrmError) {
        try addConstraint(kind, id: definition.id, resources: definition.refs.map(\.id) + definition.sets.flatMap(\.resources), make)
    }

    /// The element `name` of a colocation, order or rsc_ticket: its own `attributes` (the id
    /// first), then its refs when there is one for each of `refNames`, each as the name, its
    /// `-role` and its `-action` (`rsc`, `rsc-role`; `first`, `first-action`), then its sets.
    mutating func makeSetConstraint(_ name: String, _ attributes: [(String, String)], _ definition: some SetConstraintDefinition,
                                    refNames: [String]) -> XMLElement {
        var attributes = attributes
        if definition.refs.count == refNames.count {
            for (ref, refName) in zip(definition.refs, refNames) {
                attributes.append((refName, ref.id))
                if let role = ref.role { attributes.append(("\(refName)-role", role)) }
                if let action = ref.action { attributes.append(("\(refName)-action", action)) }
            }
        }
        var element = XMLElement(name, attributes)
        appendSets(definition.sets, constraint: definition.id, to: &element)
        return element
    }

    /// crmsh's rset_convert: a constraint whose sets are down to two resources (none in a
    /// non-sequential set of several) is shown as text without `sequential`, parsed again and
    /// rebuilt, so it becomes a simple constraint where the grammar says so; a colocation that
    /// had one set gets rsc and with-rsc exchanged, as crmsh does.
    mutating func convertSets(_ constraint: XMLElement) -> XMLElement {
        guard ["rsc_colocation", "rsc_order", "rsc_ticket"].contains(constraint.name) else { return constraint }
        let sets = constraint.elements(named: "resource_set")
        let count = sets.reduce(0) { $0 + $1.elements(named: "resource_ref").count }
        let nonSequential = sets.contains { !Self.boolean($0["sequential"], default: true) && $0.elements(named: "resource_ref").count > 1 }
        guard !sets.isEmpty, count == 2, !nonSequential else { return constraint }
        var plain = constraint
        plain.children = plain.children.map { child in
            guard case .element(var set) = child, set.name == "resource_set" else { return child }
            set.attributes.removeAll { $0.name == "sequential" }
            return .element(set)
        }
        let text: String
        switch constraint.name {
        case "rsc_colocation": text = CrmShow.colocation(plain)
        case "rsc_order": text = CrmShow.order(plain)
        default: text = CrmShow.ticket(plain)
        }
        guard let words = try? CrmTokenizer.split(text.replacingAll("_rsc_set_ ", with: "")),
              let command = try? CrmParser.parse(words) else { return constraint }
        var old = Set<String>()
        constraint.forEachElement { if let id = $0["id"] { old.insert(id) } }
        ids.subtract(old)
        ids.insert(constraint.id)
        var rebuilt: XMLElement
        switch command {
        case .colocation(let definition): rebuilt = makeColocation(definition)
        case .order(let definition): rebuilt = makeOrder(definition)
        case .ticket(let definition): rebuilt = makeTicket(definition)
        default: return constraint
        }
        if sets.count == 1, rebuilt.name == "rsc_colocation", let rsc = rebuilt["rsc"], let with = rebuilt["with-rsc"] {
            rebuilt["rsc"] = with
            rebuilt["with-rsc"] = rsc
        }
        return rebuilt
    }

    /// crmsh's get_boolean.
    static func boolean(_ value: String?, default fallback: Bool) -> Bool {
        guard let value else { return fallback }
        switch value.lowercased() {
        case "true", "yes", "on", "1", "y", "t": return true
        case "false", "no", "off", "0", "n", "f": return false
        default: return fallback
        }
    }

    /// `<fencing-topology>` with one `<fencing-level>` per target and device list, indexes from 1 per
    /// target (per attribute name for attr: targets, as crmsh), ids `fencing`, `fencing-0`, …; levels
    /// without a target are repeated for every node (sorted by name).
    mutating func addFencingTopology(_ definition: FencingTopologyDefinition) throws(CrmError) {
        guard cib.firstElement(named: "configuration")?.firstElement(named: "fencing-topology") == nil else {
            throw CrmError(.exists, "cannot create fencing_topology: it is already defined (delete fencing_topology first)")
        }
        var levels = definition.levels
        if levels.first?.target == nil {
            let nodes = (cib.firstElement(named: "configuration")?.firstElement(named: "nodes")?.elements(named: "node")
                .compactMap { $0["uname"] } ?? []).sorted()
            guard !nodes.isEmpty else { throw CrmError(.noSuchObject, "fencing_topology without targets applies to every node, but the CIB defines no nodes") }
            levels = nodes.flatMap { node in definition.levels.map { FencingTopologyDefinition.Level(target: .node(node), devices: $0.devices) } }
        }
        var topology = XMLElement("fencing-topology")
        var indexes: [String: Int] = [:]
        for level in levels {
            var attributes: [(String, String)]
            let key: String
            switch level.target {
            case .node(let node)?:
                key = node   // one counter per name, shared by all kinds of target, as crmsh's
                attributes = [("target", node), ("index", String(indexes[key, default: 1])), ("devices", level.devices)]
            case .pattern(let pattern)?:
                key = pattern
                attributes = [("index", String(indexes[key, default: 1])), ("devices", level.devices), ("target-pattern", pattern)]
            case .attribute(let name, let value)?:
                key = name
                attributes = [("index", String(indexes[key, default: 1])), ("devices", level.devices),
                              ("target-attribute", name), ("target-value", value)]
            case nil:
                preconditionFailure("levels without a target were expanded above")
            }
            indexes[key, default: 1] += 1
            attributes.append(("id", allocateID("fencing")))
            topology.append(XMLElement("fencing-level", attributes))
        }
        cib.withChild(named: "configuration") { $0.append(topology) }
    }

    mutating func appendSets(_ sets: [ResourceSet], constraint: String, to element: inout XMLElement) {
        for (index, set) in sets.enumerated() {
            var attributes: [(String, String)] = []
            if !set.requireAll { attributes.append(("require-all", "false")) }
            if !set.sequential { attributes.append(("sequential", "false")) }
            if let role = set.role { attributes.append(("role", role)) }
            if let action = set.action { attributes.append(("action", action)) }
            attributes.append(("id", allocateID("\(constraint)-\(index)")))
            var setElement = XMLElement("resource_set", attributes)
            for resource in set.resources { setElement.append(XMLElement("resource_ref", [("id", resource)])) }
            element.append(setElement)
        }
    }
}

/// A colocation, order or rsc_ticket: its resources are written on the constraint itself
/// (`refs`) or in resource sets.
protocol SetConstraintDefinition {
    var id: String { get }
    var refs: [ResourceRef] { get }
    var sets: [ResourceSet] { get }
}

extension ColocationDefinition: SetConstraintDefinition {}
extension OrderDefinition: SetConstraintDefinition {}
extension TicketDefinition: SetConstraintDefinition {}
