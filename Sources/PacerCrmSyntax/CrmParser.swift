// SPDX-License-Identifier: GPL-2.0-or-later
/// Parses crmsh `configure`-level words into a `CrmCommand`.
///
/// Unlike crmsh, unknown commands and keywords are refused (no fuzzy matching) and
/// every error quotes the offending word.
public enum CrmParser {
    /// The configure-level commands Pacer understands.
    public static let commands = ["property", "rsc_defaults", "op_defaults", "node", "primitive", "group",
                                  "clone", "ms", "rsc_template", "tag", "alert", "rsc_ticket", "fencing_topology", "role", "acl_target", "acl_group", "location", "colocation", "collocation", "order", "delete",
                                  "erase", "show", "verify"]

    /// Parses one configure command, e.g. `["primitive", "vip", "IPaddr2", "params", "ip=…"]`.
    /// - Parameter line: script line for messages (0 when typed as arguments).
    public static func parse(_ words: [String], line: Int = 0) throws(CrmError) -> CrmCommand {
        var cursor = CrmWords(words, line: line)
        guard let command = cursor.next() else { throw CrmError(.usage, "empty command", line: line) }
        switch command {
        case "property": return .attributeSet(try attributeSet(.property, &cursor))
        case "rsc_defaults": return .attributeSet(try attributeSet(.rscDefaults, &cursor))
        case "op_defaults": return .attributeSet(try attributeSet(.opDefaults, &cursor))
        case "node": return .node(try node(&cursor))
        case "primitive": return .primitive(try primitive(&cursor))
        case "group": return .group(try group(&cursor))
        case "clone": return .clone(try clone(&cursor))
        case "ms", "master": return .clone(try clone(&cursor, master: true))
        case "rsc_template": return .template(try primitive(&cursor, template: true))
        case "tag": return .tag(try tag(&cursor))
        case "alert": return .alert(try alert(&cursor))
        case "rsc_ticket": return .ticket(try ticket(&cursor))
        case "fencing_topology", "fencing-topology": return .fencingTopology(try fencingTopology(&cursor))
        case "role": return .aclRole(try aclRole(&cursor))
        case "acl_target", "acl_group": return .aclTarget(try aclTarget(&cursor, group: command == "acl_group"))
        case "location": return .location(try location(&cursor))
        case "colocation", "collocation": return .colocation(try colocation(&cursor))
        case "order": return .order(try order(&cursor))
        case "erase":
            // crmsh: `erase` (everything but the nodes); `erase nodes` is not offered.
            var force = false
            while let word = cursor.next() {
                guard word == "--force" || word == "-f" else { throw CrmError(.usage, "erase takes no arguments but --force, not '\(word)'") }
                force = true
            }
            return .erase(force: force)
        case "delete":
            var ids: [String] = []
            var force = false
            while let id = cursor.next() {
                if id == "--force" || id == "-f" { force = true } else { ids.append(id) }
            }
            guard !ids.isEmpty else { throw cursor.missing("the id of the object to delete") }
            return .delete(ids: ids, force: force)
        case "show":
            var xml = false
            if cursor.peek == "xml" { xml = true; _ = cursor.next() }
            var ids: [String] = []
            while let id = cursor.next() { ids.append(id) }
            return .show(xml: xml, ids: ids)
        case "verify":
            if cursor.next() != nil { throw cursor.error("'verify' takes no arguments") }
            return .verify
        default:
            throw cursor.error("unknown configure command; expected one of \(commands.joined(separator: ", "))")
        }
    }

    // MARK: - Attribute sets

    static func attributeSet(_ section: AttributeSetCommand.Section, _ cursor: inout CrmWords) throws(CrmError) -> AttributeSetCommand {
        var setID: String?
        if let word = cursor.peek {
            if word.hasPrefix("$id=") {
                setID = String(word.dropFirst(4))
                _ = cursor.next()
            } else if word.hasSuffix(":"), !word.contains("=") {
                setID = String(word.dropLast())
                _ = cursor.next()
            }
            if let id = setID { try checkID(id, &cursor) }
        }
        let values = NameValues(cursor.nameValues())
        if let word = cursor.next() {
            throw cursor.error("expected name=value, got '\(word)'")
        }
        guard !values.isEmpty else { throw cursor.missing("name=value") }
        return AttributeSetCommand(section: section, setID: setID, values: values)
    }

    // MARK: - node

    static func node(_ cursor: inout CrmWords) throws(CrmError) -> NodeDefinition {
        var id: String?
        if let word = cursor.peek, word.hasPrefix("$id=") {
            id = String(word.dropFirst(4))
            _ = cursor.next()
        }
        var uname = try cursor.expect("node name")
        var type: String?
        if let colon = uname.firstIndex(of: ":") {
            type = String(uname[uname.index(after: colon)...])
            uname = String(uname[..<colon])
            guard ["member", "ping", "remote", "normal"].contains(type!) else {
                throw cursor.error("unknown node type '\(type!)'; expected member, ping or remote", kind: .badValue)
            }
        }
        try checkID(uname, &cursor)
        var definition = NodeDefinition(id: id, uname: uname, type: type, description: nil,
                                        attributes: NameValues(), utilization: NameValues())
        while let word = cursor.next() {
            switch word {
            case "attributes": definition.attributes.pairs += try block(word, &cursor).pairs
            case "utilization": definition.utilization.pairs += try block(word, &cursor).pairs
            default:
                if word.hasPrefix("description=") { definition.description = String(word.dropFirst(12)); continue }
                throw cursor.error("expected 'attributes', 'utilization' or 'description=…'")
            }
        }
        return definition
    }

    // MARK: - Shared pieces

    /// A keyword's block of name=value pairs (at least one).
    static func block(_ keyword: String, _ cursor: inout CrmWords, stopAt: Set<String> = []) throws(CrmError) -> NameValues {
        let values = NameValues(cursor.nameValues(stopAt: stopAt))
        if values.isEmpty {
            if cursor.peek == nil { throw cursor.missing("name=value after '\(keyword)'") }
            _ = cursor.next()
            throw cursor.error("expected name=value after '\(keyword)'")
        }
        return values
    }

    /// Ids are XML NCNames: a letter or `_` first, then letters, digits, `_`, `-`, `.`.
    static func checkID(_ id: String, _ cursor: inout CrmWords) throws(CrmError) {
        guard isValidID(id) else {
            throw cursor.error("'\(id)' is not a valid id (start with a letter or '_', then letters, digits, '_', '-', '.')", kind: .badValue)
        }
    }

    public static func isValidID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first else { return false }
        guard first.properties.isAlphabetic || first == "_" else { return false }
        return id.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == "." }
    }

    /// Checks a score as crmsh accepts it (`inf`, `+inf`, `-inf`, INFINITY forms, integers)
    /// and returns it as crmsh writes it into the CIB.
    static func score(_ text: String, _ cursor: inout CrmWords) throws(CrmError) -> String {
        switch text.lowercased() {
        case "inf", "infinity": return "INFINITY"
        case "+inf", "+infinity": return "+INFINITY"
        case "-inf", "-infinity": return "-INFINITY"
        default:
            var digits = Substring(text)
            if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw cursor.error("invalid score '\(text)'; expected an integer, inf, +inf or -inf", kind: .badValue)
            }
            return text
        }
    }
}
