// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// crmsh's `configure load replace|update FILE`: a configuration in crm syntax (what
/// `configure show` prints) loaded over the current one.
///
/// * `replace`: the file is the whole configuration; every object it does not define goes
///   (nodes stay unless the file defines them, as crmsh keeps them).
/// * `update`: objects the file defines replace those with the same id, new ones are added,
///   the rest stay; `property`/`rsc_defaults`/`op_defaults` lines are merged into their sets.
///
/// Both are all or nothing: the new configuration is built from the current one's crm text
/// merged with the file's, on a CIB whose configuration was emptied, and any error (a line
/// that does not parse, a reference to nothing) leaves the CIB as it was. On a live cluster a
/// load that would remove a running resource is refused unless forced (it is then stopped).
public enum CrmLoad {
    public enum Mode: String, Sendable, CaseIterable {
        case replace, update
    }

    /// One object of a configuration: its command, its key (`kind:id`; nil for attribute sets,
    /// which merge) and the line it came from.
    struct Object {
        var command: CrmCommand
        var key: String?
        var rank: Int
        var line: Int
    }

    /// `removing`: keys (`objectKeys(in:)`) of current objects to drop unless the text defines
    /// them again (update only: what `configure edit` of some objects deleted).
    public static func apply(_ mode: Mode, text: String, to cib: XMLElement, liveCluster: Bool, force: Bool,
                             removing: Set<String> = []) throws(CrmError) -> XMLElement {
        let loaded = try objects(of: text, source: "load")
        let current = try objects(of: CrmShow.render(cib, ids: []), source: "the current configuration")
        var merged: [Object]
        switch mode {
        case .update:
            let replacing = Set(loaded.compactMap(\.key)).union(removing)
            merged = current.filter { $0.key.map { !replacing.contains($0) } ?? true }
            merged += loaded
        case .replace:
            let defined = Set(loaded.compactMap(\.key))
            merged = current.filter { object in
                guard case .node = object.command, let key = object.key else { return false }
                return !defined.contains(key)
            }
            merged += loaded
        }
        // Definitions before what refers to them (crmsh resolves a whole commit at once).
        merged = merged.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }.map(\.element)

        // The configuration emptied (nodes too: the merged list has those that stay), status kept.
        var base = cib
        base.withChild(named: "configuration") { configuration in
            // Each section stays, emptied, as crmsh leaves it.
            for index in configuration.children.indices {
                guard case .element(var section) = configuration.children[index] else { continue }
                section.children.removeAll { if case .element = $0 { return true } else { return false } }
                configuration.children[index] = .element(section)
            }
        }
        var editor = CIBEditor(cib: base)
        for object in merged { try editor.apply(object.command, line: object.line) }
        if liveCluster && !force { try refuseStoppingRunning(before: cib, after: editor.cib) }
        var result = editor.cib
        if mode == .update { keepOrder(of: cib, in: &result) }
        return result
    }

    /// As crmsh updates objects in place and appends new ones: in each section, the objects
    /// that were there keep their order and come first, new ones follow.
    static func keepOrder(of before: XMLElement, in cib: inout XMLElement) {
        guard let old = before.firstElement(named: "configuration") else { return }
        cib.withChild(named: "configuration") { configuration in
            for index in configuration.children.indices {
                guard case .element(var section) = configuration.children[index],
                      let previous = old.firstElement(named: section.name) else { continue }
                var rank: [String: Int] = [:]
                for (position, element) in previous.children.enumerated() {
                    if case .element(let child) = element, let id = child["id"] { rank[id] = position }
                }
                let children = section.children.enumerated().map { offset, node -> (Int, Int, XMLNode) in
                    if case .element(let child) = node, let id = child["id"], let position = rank[id] { return (0, position, node) }
                    return (1, offset, node)
                }
                section.children = children.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
                configuration.children[index] = .element(section)
            }
        }
    }

    /// The keys of the objects a configuration text defines (for `removing`).
    public static func objectKeys(in text: String) throws(CrmError) -> Set<String> {
        Set(try objects(of: text, source: "edit").compactMap(\.key))
    }

    /// Parses a configuration text into objects; only definitions may be loaded.
    static func objects(of text: String, source: String) throws(CrmError) -> [Object] {
        var result: [Object] = []
        for line in try CrmTokenizer.lines(of: text) {
            let words = line.words
            guard let first = words.first else { continue }
            if words.count == 1, ["configure", "commit", "end", "up"].contains(first) { continue }
            let command = try CrmParser.parse(words, line: line.number)
            guard let (key, rank) = identity(of: command) else {
                throw CrmError(.usage, "'\(first)' is a command, not a configuration object: it cannot be loaded (\(source))",
                               line: line.number)
            }
            result.append(Object(command: command, key: key, rank: rank, line: line.number))
        }
        return result
    }

    /// The object's key and its rank in a configuration (what must exist before it).
    static func identity(of command: CrmCommand) -> (String?, Int)? {
        switch command {
        case .node(let node): return ("node:\(node.id ?? node.uname)", 0)
        case .template(let template): return ("rsc:\(template.id)", 1)
        case .primitive(let primitive): return ("rsc:\(primitive.id)", 2)
        case .group(let group): return ("rsc:\(group.id)", 3)
        case .clone(let clone): return ("rsc:\(clone.id)", 4)
        case .tag(let tag): return ("tag:\(tag.id)", 5)
        case .location(let location): return ("constraint:\(location.id)", 6)
        case .colocation(let colocation): return ("constraint:\(colocation.id)", 6)
        case .order(let order): return ("constraint:\(order.id)", 6)
        case .ticket(let ticket): return ("constraint:\(ticket.id)", 6)
        case .fencingTopology: return ("fencing_topology", 7)
        case .attributeSet: return (nil, 8)
        case .alert(let alert): return ("alert:\(alert.id)", 9)
        case .aclRole(let role): return ("acl:\(role.id)", 10)
        case .aclTarget(let target): return ("acl:\(target.id)", 11)
        case .delete, .erase, .show, .verify, .nodeStandby: return nil
        }
    }

    /// A running, managed primitive the new configuration no longer has.
    static func refuseStoppingRunning(before: XMLElement, after: XMLElement) throws(CrmError) {
        var kept = Set<String>()
        after.firstElement(named: "configuration")?.firstElement(named: "resources")?.forEachElement {
            if $0.name == "primitive" { kept.insert($0.id) }
        }
        var gone: [String] = []
        before.firstElement(named: "configuration")?.firstElement(named: "resources")?.forEachElement { primitive in
            guard primitive.name == "primitive", !kept.contains(primitive.id), CIBEditor.isManaged(primitive, cib: before) else { return }
            let nodes = CIBEditor.activeNodes(of: primitive.id, in: before)
            if !nodes.isEmpty { gone.append("\(primitive.id) (on \(nodes.joined(separator: ", ")))") }
        }
        guard gone.isEmpty else {
            throw CrmError(.inUse, "the loaded configuration drops running resources: \(gone.joined(separator: ", ")); "
                           + "nothing was changed: stop them first, or load with --force and the cluster stops them")
        }
    }
}
