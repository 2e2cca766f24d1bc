// SPDX-License-Identifier: GPL-2.0-or-later
/// `role`, `acl_target` and `acl_group` (Pacemaker 2 ACLs, as crmsh 4.4 parses them).
extension CrmParser {
    static let aclRights = ["read", "write", "deny"]
    /// crmsh's acl_spec_map_2.
    static let aclSpecs = ["xpath": "xpath", "ref": "reference", "reference": "reference", "tag": "object-type",
                           "type": "object-type", "attr": "attribute", "attribute": "attribute"]
    /// crmsh's acl_shortcuts, unescaped: a shortcut's values fill the `@@` of its pieces in turn.
    static let aclShortcutExpansions: [String: [String]] = [
        "meta": ["//primitive[@id='@@']/meta_attributes", "/nvpair[@name='@@']"],
        "params": ["//primitive[@id='@@']/instance_attributes", "/nvpair[@name='@@']"],
        "utilization": ["//primitive[@id='@@']/utilization"],
        "location": ["//rsc_location[@id='cli-prefer-@@' and @rsc='@@']"],
        "property": ["//crm_config/cluster_property_set", "/nvpair[@name='@@']"],
        "nodeattr": ["//nodes/node/instance_attributes", "/nvpair[@name='@@']"],
        "nodeutil": ["//nodes/node/utilization", "[@uname='@@']"],
        "node": ["//nodes/node", "[@uname='@@']"],
        "status": ["/cib/status"],
        "cib": ["/cib"],
    ]

    static func aclRole(_ cursor: inout CrmWords) throws(CrmError) -> AclRoleDefinition {
        let id = try cursor.expect("role id")
        try checkID(id, &cursor)
        var definition = AclRoleDefinition(id: id, description: nil, permissions: [])
        if let word = cursor.peek, word.hasPrefix("description=") {
            _ = cursor.next()
            definition.description = String(word.dropFirst(12))
        }
        while let right = cursor.next() {
            guard aclRights.contains(right.lowercased()) else { throw cursor.error("expected read, write or deny") }
            var template = AclRoleDefinition.Permission(kind: right.lowercased())
            if let word = cursor.peek, word.hasPrefix("description=") {
                _ = cursor.next()
                template.description = String(word.dropFirst(12))
            }
            var specs: [String: String] = [:]
            while let word = cursor.peek {
                let parts = word.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard aclSpecs[parts[0]] != nil || aclShortcutExpansions[parts[0]] != nil else { break }
                _ = cursor.next()
                let value = parts.count > 1 ? parts[1] : nil
                if let expansion = aclShortcutExpansions[parts[0]] {
                    specs["xpath"] = try expand(parts[0], value, expansion, &cursor)
                } else {
                    guard let value, !value.isEmpty else { throw cursor.error("expected \(parts[0]):VALUE") }
                    specs[aclSpecs[parts[0]]!] = value
                }
            }
            guard !specs.isEmpty else {
                if cursor.peek == nil { throw cursor.missing("what '\(right)' applies to (xpath:, ref:, type:, meta:, …)") }
                _ = cursor.next()
                throw cursor.error("expected xpath:, ref:, type:, attr: or a shortcut (meta:, params:, property:, node:, …)")
            }
            if specs["attribute"] != nil && specs["object-type"] == nil {
                throw cursor.error("attr: is only valid together with type: (or tag:)", kind: .badValue)
            }
            if let xpath = specs["xpath"] { var p = template; p.xpath = xpath; definition.permissions.append(p) }
            if let reference = specs["reference"] { var p = template; p.reference = reference; definition.permissions.append(p) }
            if let type = specs["object-type"] {
                var p = template
                p.objectType = type
                p.attribute = specs["attribute"]
                definition.permissions.append(p)
            }
        }
        return definition
    }

    /// crmsh's _expand_shortcuts_2.
    static func expand(_ shortcut: String, _ value: String?, _ expansion: [String], _ cursor: inout CrmWords) throws(CrmError) -> String {
        guard let value else {
            guard !expansion[0].contains("@@") else { throw cursor.error("the ACL shortcut '\(shortcut)' needs a value (\(shortcut):…)") }
            return expansion[0]
        }
        var xpath = "", index = 0
        for token in value.split(separator: ":", omittingEmptySubsequences: false) {
            if index < expansion.count, !expansion[index].contains("@@") {
                xpath += expansion[index]
                index += 1
            }
            guard index < expansion.count else { throw cursor.error("too many values for the ACL shortcut '\(shortcut)'", kind: .badValue) }
            xpath += expansion[index].replacingAll("@@", with: String(token))
            index += 1
        }
        return xpath
    }

    static func aclTarget(_ cursor: inout CrmWords, group: Bool) throws(CrmError) -> AclTargetDefinition {
        let id = try cursor.expect(group ? "acl_group id" : "acl_target id")
        try checkID(id, &cursor)
        var roles: [String] = []
        while let role = cursor.next() {
            try checkID(role, &cursor)
            roles.append(role)
        }
        return AclTargetDefinition(group: group, id: id, roles: roles)
    }
}
