// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// Renders a CIB's configuration in crmsh's `configure show` text form.
///
/// Objects come in crmsh's order (node, rsc_template, primitive, bundle, group, ms, clone,
/// tag, constraints, property, rsc_defaults, op_defaults, alert), each kind sorted by id;
/// continuation lines end in ` \` and start with a tab.
public enum CrmShow {
    /// crmsh's `_sort_cli_order` rank of each XML element it shows.
    static let ranks: [String: Int] = [
        "node": 0, "template": 1, "primitive": 2, "bundle": 3, "group": 4, "master": 5, "clone": 6,
        "tag": 8, "rsc_location": 9, "rsc_colocation": 9, "rsc_order": 9, "rsc_ticket": 10, "fencing-topology": 10,
        "cluster_property_set": 11, "rsc_defaults": 12, "op_defaults": 13,
        "acl_role": 14, "acl_target": 15, "acl_group": 15, "acl_user": 15, "alert": 16,
    ]

    /// The whole configuration, or only the objects named in `ids`.
    /// - Returns: the text without a trailing newline (as crmsh prints it).
    public static func render(_ cib: XMLElement, ids: [String] = []) -> String {
        guard let configuration = cib.firstElement(named: "configuration") else { return "" }
        var blocks: [(rank: Int, id: String, text: String)] = []
        let wanted = Set(ids)
        func add(_ name: String, _ element: XMLElement, _ text: String) {
            if wanted.isEmpty || wanted.contains(element.id) { blocks.append((ranks[name] ?? 1000, element.id, text)) }
        }
        for node in configuration.firstElement(named: "nodes")?.elements(named: "node") ?? [] { add("node", node, self.node(node)) }
        configuration.firstElement(named: "resources")?.forEachElement { element in
            switch element.name {
            case "primitive", "template": add(element.name, element, primitive(element))
            case "group": add("group", element, container("group", element))
            case "clone": add("clone", element, container("clone", element))
            case "master": add("master", element, container("ms", element))
            case "bundle": add("bundle", element, bundle(element))
            default: break
            }
        }
        for constraint in configuration.firstElement(named: "constraints")?.elements ?? [] {
            switch constraint.name {
            case "rsc_colocation": add(constraint.name, constraint, colocation(constraint))
            case "rsc_location": add(constraint.name, constraint, location(constraint))
            case "rsc_order": add(constraint.name, constraint, order(constraint))
            case "rsc_ticket": add(constraint.name, constraint, ticket(constraint))
            default: break
            }
        }
        if let topology = configuration.firstElement(named: "fencing-topology"),
           wanted.isEmpty || wanted.contains("fencing_topology") {
            let nodes = configuration.firstElement(named: "nodes")?.elements(named: "node").count ?? 0
            blocks.append((ranks["fencing-topology"]!, "fencing_topology", fencingTopology(topology, nodes: nodes)))
        }
        for acl in configuration.firstElement(named: "acls")?.elements ?? [] {
            switch acl.name {
            case "acl_role": add(acl.name, acl, self.acl("role", acl))
            case "acl_target", "acl_group": add(acl.name, acl, self.acl(acl.name, acl))
            case "acl_user": add(acl.name, acl, self.acl("user", acl))
            default: break
            }
        }
        for tag in configuration.firstElement(named: "tags")?.elements(named: "tag") ?? [] {
            add("tag", tag, (["tag", tag.id] + tag.elements(named: "obj_ref").map(\.id)).joined(separator: " "))
        }
        for set in configuration.firstElement(named: "crm_config")?.elements(named: "cluster_property_set") ?? [] {
            add("cluster_property_set", set, attributeSet("property", set))
        }
        for section in ["rsc_defaults", "op_defaults"] {
            for set in configuration.firstElement(named: section)?.elements(named: "meta_attributes") ?? [] {
                add(section, set, attributeSet(section, set))
            }
        }
        for alert in configuration.firstElement(named: "alerts")?.elements(named: "alert") ?? [] {
            add("alert", alert, self.alert(alert))
        }
        blocks.sort { ($0.rank, $0.id) < ($1.rank, $1.id) }
        return blocks.map(\.text).joined(separator: "\n")
    }
}
