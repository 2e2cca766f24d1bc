// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// ACL roles and targets (crmsh's `CibAcl`) and the fencing topology.
extension CrmShow {
    /// `role ID` with one line per permission, or `acl_target ID` with one line per role, as crmsh's CibAcl.
    static func acl(_ keyword: String, _ acl: XMLElement) -> String {
        var lines = ["\(keyword) \(acl.id)"]
        if let description = acl["description"] { lines.append("description=\(quote(description))") }
        for child in acl.elements {
            switch child.name {
            case "role", "role_ref": lines.append(child.id)
            case "acl_permission":
                var words = [child["kind"] ?? ""]
                if let description = child["description"] { words.append("description=\(quote(description))") }
                for (attribute, name) in [("xpath", "xpath"), ("reference", "ref"), ("attribute", "attr"), ("object-type", "type")] {
                    guard let value = child[attribute] else { continue }
                    if attribute == "xpath", let (shortcut, values) = aclShortcut(value) {
                        words.append(values.isEmpty ? shortcut : "\(shortcut):" + values.joined(separator: ":"))
                    } else {
                        words.append("\(name):" + (attribute == "xpath" ? quote(value) : value))
                    }
                }
                lines.append(words.joined(separator: " "))
            default: break
            }
        }
        return joinLines(lines)
    }

    /// crmsh's ACL xpath shortcuts (constants.acl_shortcuts), tried in its order; each pattern may be
    /// matched in part (its first pieces), giving as many values as pieces matched.
    static let aclShortcuts: [(String, [String])] = [
        ("meta", [#"//primitive\[@id='@@'\]/meta_attributes"#, #"/nvpair\[@name='@@'\]"#]),
        ("params", [#"//primitive\[@id='@@'\]/instance_attributes"#, #"/nvpair\[@name='@@'\]"#]),
        ("utilization", [#"//primitive\[@id='@@'\]/utilization"#]),
        ("location", [#"//rsc_location\[@id='cli-prefer-@@' and @rsc='@@'\]"#]),
        ("property", [#"//crm_config/cluster_property_set"#, #"/nvpair\[@name='@@'\]"#]),
        ("nodeattr", [#"//nodes/node/instance_attributes"#, #"/nvpair\[@name='@@'\]"#]),
        ("nodeutil", [#"//nodes/node/utilization"#, #"\[@uname='@@'\]"#]),
        ("node", [#"//nodes/node"#, #"\[@uname='@@'\]"#]),
        ("status", [#"/cib/status"#]),
        ("cib", [#"/cib"#]),
    ]

    static func aclShortcut(_ xpath: String) -> (String, [String])? {
        for (shortcut, pieces) in aclShortcuts {
            let patterns = pieces.map { $0.replacingAll("@@", with: "([a-zA-Z_][a-zA-Z0-9_.-]*)") }
            for count in 1...patterns.count {
                guard let regex = try? Regex(patterns[..<count].joined()),
                      let match = try? regex.wholeMatch(in: xpath) else { continue }
                let groups = (1..<match.output.count).compactMap { match.output[$0].substring.map(String.init) }
                return (shortcut, Array(groups.prefix(count)))
            }
        }
        return nil
    }

    /// `fencing_topology DEV…` when every node has the same levels, else `TARGET: DEV…` per target.
    static func fencingTopology(_ topology: XMLElement, nodes: Int) -> String {
        var targets: [String] = []
        var levels: [String: [(Int, String)]] = [:]
        for level in topology.elements(named: "fencing-level") {
            let target: String
            if let pattern = level["target-pattern"] {
                target = "pattern:\(pattern)"
            } else if let attribute = level["target-attribute"] {
                target = "attr:\(attribute)=\(level["target-value"] ?? "")"
            } else {
                target = (level["target"] ?? "") + ":"
            }
            if levels[target] == nil { targets.append(target) }
            levels[target, default: []].append((Int(level["index"] ?? "") ?? 0, level["devices"] ?? ""))
        }
        let devices = targets.map { target in
            levels[target]!.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: " ")
        }
        if Set(devices).count == 1, targets.count == nodes { return "fencing_topology \(devices[0])" }
        return joinLines(["fencing_topology"] + zip(targets, devices).map { "\($0) \($1)" })
    }
}
