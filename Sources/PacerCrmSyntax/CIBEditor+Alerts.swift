// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// `tag` and `alert`, written as crmsh 4.4 writes them (ids included).
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
}
