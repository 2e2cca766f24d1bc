// SPDX-License-Identifier: GPL-2.0-or-later
/// Checks the references inside a CIB that the schema cannot: constraints and
/// groups naming resources, locations naming nodes, duplicate ids.
public enum CIBReferenceCheck {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public enum Severity: Sendable, Equatable { case error, warning }
        public var severity: Severity
        public var message: String
        public var line: Int

        public var description: String {
            (line > 0 ? "line \(line): " : "") + message
        }
    }

    static let resourceElements: Set<String> = ["primitive", "group", "clone", "master", "bundle"]

    /// Every problem found, in document order.
    public static func check(_ cib: XMLElement) -> [Problem] {
        var problems: [Problem] = []
        guard let configuration = cib.firstElement(named: "configuration") else {
            return [Problem(severity: .error, message: "<cib> has no <configuration> section", line: cib.line)]
        }
        var seen: [String: Int] = [:]
        configuration.forEachElement { element in
            guard let id = element["id"], element.name != "resource_ref", element.name != "obj_ref", element.name != "role" else { return }
            if let first = seen[id] {
                problems.append(Problem(severity: .error, message: "<\(element.name)> id '\(id)' is already used (first at line \(first))", line: element.line))
            } else {
                seen[id] = element.line
            }
        }
        var resources = Set<String>()
        configuration.firstElement(named: "resources")?.forEachElement { element in
            if resourceElements.contains(element.name), let id = element["id"] { resources.insert(id) }
        }
        let nodes = Set(configuration.firstElement(named: "nodes")?.elements(named: "node").compactMap { $0["uname"] } ?? [])
        for constraint in configuration.firstElement(named: "constraints")?.elements ?? [] {
            let kind = constraint.name.replacingPrefix("rsc_", with: "")
            for attribute in ["rsc", "with-rsc", "first", "then"] {
                if let id = constraint[attribute], !resources.contains(id) {
                    problems.append(Problem(severity: .error, message: "\(kind) '\(constraint.id)' refers to unknown resource '\(id)' (\(attribute))", line: constraint.line))
                }
            }
            for set in constraint.elements(named: "resource_set") {
                for ref in set.elements(named: "resource_ref") where !resources.contains(ref.id) {
                    problems.append(Problem(severity: .error, message: "\(kind) '\(constraint.id)' refers to unknown resource '\(ref.id)' (resource set '\(set.id)')", line: ref.line))
                }
            }
            if constraint.name == "rsc_location", let node = constraint["node"], !nodes.isEmpty, !nodes.contains(node) {
                problems.append(Problem(severity: .warning, message: "location '\(constraint.id)' refers to node '\(node)', which is not in <nodes>", line: constraint.line))
            }
        }
        for state in cib.firstElement(named: "status")?.elements(named: "node_state") ?? [] {
            for resource in state.firstElement(named: "lrm")?.firstElement(named: "lrm_resources")?.elements(named: "lrm_resource") ?? [] {
                let base = resource.id.split(separator: ":").first.map(String.init) ?? resource.id
                if !resources.contains(base) {
                    problems.append(Problem(severity: .warning, message: "status of node '\(state["uname"] ?? state.id)' has history for resource '\(resource.id)', which is not configured (orphan)", line: resource.line))
                }
            }
        }
        return problems
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
