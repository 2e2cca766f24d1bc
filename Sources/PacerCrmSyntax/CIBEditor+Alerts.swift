// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// `tag`, `alert` and the ACL objects, written as crmsh 4.4 writes them (ids included).
extension CIBEditor {
    /// `<tags><tag id=ID><obj_ref id=REF/>…</tag></tags>`; like crmsh, a reference need not exist yet
    /// (`configure verify` warns about one that does not).
    mutating func addTag(_ definition: TagDefinition) throws(CrmError) {
        try claimID(definition.id, for: "tag")
        var tag = XMLElement("tag", [("id", definition.id)])
        for reference in definition.references { tag.append(XMLElement("obj_ref", [("id", reference)])) }
        var tags = takeSection("tags")
        tags.append(tag)
        putSection(tags)
    }

    /// `<alerts><alert id path [description]>` with its sets, `<select>` and recipients in the typed
    /// order. Ids: `ID-meta_attributes`, `ID-instance_attributes`, `ID-recipient-N` (N from 1),
    /// `ID-recipient-N-meta_attributes`, and `ID-0`, `ID-1`, … for selected attribute names.
    mutating func addAlert(_ definition: AlertDefinition) throws(CrmError) {
        try claimID(definition.id, for: "alert")
        var attributes = [("id", definition.id), ("path", definition.path)]
        if let description = definition.description { attributes.append(("description", description)) }
        var alert = XMLElement("alert", attributes)
        var recipients = 0
        for item in definition.items {
            switch item {
            case .block(let block):
                alert.append(nvset(block.kind.rawValue, id: "\(definition.id)-\(block.kind.rawValue)", block.values))
            case .select(let selectors):
                var select = XMLElement("select")
                for selector in selectors {
                    switch selector {
                    case .nodes: select.append(XMLElement("select_nodes"))
                    case .fencing: select.append(XMLElement("select_fencing"))
                    case .resources: select.append(XMLElement("select_resources"))
                    case .attributes(let names):
                        var chosen = XMLElement("select_attributes")
                        for name in names { chosen.append(XMLElement("attribute", [("name", name), ("id", allocateID(definition.id))])) }
                        select.append(chosen)
                    }
                }
                alert.append(select)
            case .recipient(let recipient):
                recipients += 1
                let id = "\(definition.id)-recipient-\(recipients)"
                try claimID(id, for: "recipient")
                var attributes = [("id", id), ("value", recipient.value)]
                if let description = recipient.description { attributes.append(("description", description)) }
                var element = XMLElement("recipient", attributes)
                appendBlocks(recipient.blocks, owner: id, to: &element)
                alert.append(element)
            }
        }
        var alerts = takeSection("alerts")
        alerts.append(alert)
        putSection(alerts)
    }

    /// `<acls><acl_role id [description]><acl_permission kind [description] xpath|reference|object-type
    /// [attribute] id=ROLE-0…>`.
    mutating func addAclRole(_ definition: AclRoleDefinition) throws(CrmError) {
        try claimID(definition.id, for: "role")
        var attributes = [("id", definition.id)]
        if let description = definition.description { attributes.append(("description", description)) }
        var role = XMLElement("acl_role", attributes)
        for permission in definition.permissions {
            var attributes = [("kind", permission.kind)]
            if let description = permission.description { attributes.append(("description", description)) }
            if let xpath = permission.xpath { attributes.append(("xpath", xpath)) }
            if let reference = permission.reference { attributes.append(("reference", reference)) }
            if let type = permission.objectType { attributes.append(("object-type", type)) }
            if let attribute = permission.attribute { attributes.append(("attribute", attribute)) }
            attributes.append(("id", allocateID(definition.id)))
            role.append(XMLElement("acl_permission", attributes))
        }
        var acls = takeSection("acls")
        acls.append(role)
        putSection(acls)
    }

    /// `<acl_target id><role id=ROLE/>…</acl_target>` (or `<acl_group>`); the roles must exist.
    mutating func addAclTarget(_ definition: AclTargetDefinition) throws(CrmError) {
        let what = definition.group ? "acl_group" : "acl_target"
        let roles = Set(cib.firstElement(named: "configuration")?.firstElement(named: "acls")?.elements(named: "acl_role").map(\.id) ?? [])
        for role in definition.roles where !roles.contains(role) {
            throw CrmError(.noSuchObject, "\(what) '\(definition.id)' refers to unknown role '\(role)'")
        }
        try claimID(definition.id, for: what)
        var target = XMLElement(what, [("id", definition.id)])
        for role in definition.roles { target.append(XMLElement("role", [("id", role)])) }
        var acls = takeSection("acls")
        acls.append(target)
        putSection(acls)
    }
}
