// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// `pacer why RSC`: where a resource will run and why, in plain words.
///
/// The per-node score is the scheduler's own (its allocation scores); the parts listed
/// under it are read from the CIB the way the scheduler weighs them: node availability,
/// location constraints (of the resource or its group), stickiness where it runs now,
/// fail count against migration-threshold, the group's pull towards the member before
/// it, colocation constraints, and the quorum policy.
public struct Explanation: Sendable {
    public struct Part: Sendable, Equatable {
        public var score: String
        public var reason: String
    }
    public struct NodeScore: Sendable {
        public var node: String
        public var score: String
        public var parts: [Part]
        public var notes: [String]
    }

    public var resource: String
    public var agent: String
    public var group: String?
    public var runningOn: [String]
    public var decision: String
    public var nodes: [NodeScore]

    /// The explanation as text.
    public var text: String {
        var lines = ["\(resource) (\(agent))" + (group.map { ", in group \($0)" } ?? "")]
        lines.append("  now:      " + (runningOn.isEmpty ? "stopped" : "running on \(runningOn.joined(separator: ", "))"))
        lines.append("  decision: \(decision)")
        for node in nodes {
            lines.append("")
            lines.append("  \(node.node): \(node.score)")
            for part in node.parts { lines.append("    \(part.score.leftPadded(to: 10))  \(part.reason)") }
            for note in node.notes { lines.append("    \(note)") }
        }
        return lines.joined(separator: "\n")
    }

    /// Explains `resource` in `input`; nil when no primitive or group has that id.
    public static func explain(_ resource: String, input: SchedulerInput) -> Explanation? {
        var scored = input
        scored.recordScores = true
        let transition = Scheduler.schedule(scored)
        let cib = input.cib
        guard let configuration = cib.firstElement(named: "configuration"),
              let path = configuration.path(toID: resource), let element = configuration.element(at: path),
              ["primitive", "group"].contains(element.name) else { return nil }
        let parentGroup = path.count > 1 ? configuration.element(at: Array(path.dropLast())).flatMap { $0.name == "group" ? $0 : nil } : nil
        let agent = element.name == "group" ? "group of \(element.elements(named: "primitive").map(\.id).joined(separator: ", "))"
            : [element["class"], element["provider"], element["type"]].compactMap { $0 }.joined(separator: ":")

        // Where it runs now, and the decision from the transition summary.
        func find(_ states: [ClusterStatus.ResourceState]) -> ClusterStatus.ResourceState? {
            for state in states {
                if state.id == resource { return state }
                if let found = find(state.members) { return found }
            }
            return nil
        }
        let state = find(transition.status.resources)
        let running = state.map { $0.nodes.isEmpty ? Array(Set($0.members.flatMap(\.nodes))).sorted() : $0.nodes } ?? []
        let ids = element.name == "group" ? element.elements(named: "primitive").map(\.id) : [resource]
        let summary = transition.summary.filter { line in ids.contains { line.contains(" \($0) ") } }
            .map { $0.trimmingCharacters(in: " *") }
        let decision = summary.isEmpty ? (running.isEmpty ? "stays stopped" : "stays where it is") : summary.joined(separator: "; ")

        // Scheduler scores for this resource (primitive assignment, else group assignment).
        var scores: [String: String] = [:]
        for prefix in ["pcmk__primitive_assign: ", "pcmk__group_assign: "] where scores.isEmpty {
            for line in transition.scores where line.hasPrefix(prefix + "\(resource) allocation score on ") {
                let rest = line.dropFirst(prefix.count + "\(resource) allocation score on ".count)
                if let colon = rest.lastIndex(of: ":") {
                    scores[String(rest[..<colon])] = String(rest[rest.index(after: colon)...]).trimmingCharacters(in: " ")
                }
            }
        }

        let nodes = transition.status.nodes.map(\.name)
        let meta = MetaLookup(cib: cib, element: element, group: parentGroup)
        let owners = [resource] + (parentGroup.map { [$0.id] } ?? [])
        var result: [NodeScore] = []
        for node in nodes {
            var parts: [Part] = []
            var notes: [String] = []
            if let status = transition.status.nodes.first(where: { $0.name == node }) {
                if !status.online { notes.append("offline: nothing can run here") }
                if status.standby { notes.append("standby: resources move away (pacer node online \(node))") }
                if status.maintenance { notes.append("maintenance: resources here are left alone") }
            }
            for constraint in configuration.firstElement(named: "constraints")?.elements(named: "rsc_location") ?? [] {
                guard let target = constraint["rsc"], owners.contains(target) else { continue }
                if constraint["node"] == node, let score = constraint["score"] {
                    let what = constraint.id.hasPrefix("cli-prefer-") ? "move constraint (pacer resource clear \(target))"
                        : constraint.id.hasPrefix("cli-ban-") ? "ban constraint (pacer resource clear \(target))" : "location \(constraint.id)"
                    parts.append(Part(score: score, reason: "\(what) on \(target)"))
                }
                for rule in constraint.elements(named: "rule") where rule.matchesUname(node) {
                    parts.append(Part(score: rule["score"] ?? rule["score-attribute"] ?? "0", reason: "location \(constraint.id) rule \(rule.id) on \(target)"))
                }
            }
            if running.contains(node), let stickiness = meta.value("resource-stickiness"), stickiness.value != "0" {
                parts.append(Part(score: stickiness.value, reason: "stickiness: it runs here (resource-stickiness from \(stickiness.source))"))
            }
            let failures = ids.reduce(0) { Score.add($0, Self.failCount(cib: cib, resource: $1, node: node)) }
            if failures > 0 {
                let threshold = meta.value("migration-threshold")
                let limit = Score(parsing: threshold?.value ?? "INFINITY").value
                if limit > 0 && failures >= limit {
                    parts.append(Part(score: "-INFINITY", reason: "fail count \(Score(failures)) reached migration-threshold \(threshold?.value ?? "INFINITY") (pacer resource cleanup \(parentGroup?.id ?? resource))"))
                } else {
                    notes.append("fail count \(Score(failures)) (migration-threshold \(threshold?.value ?? "INFINITY"))")
                }
            }
            if let group = parentGroup {
                let members = group.elements(named: "primitive").map(\.id)
                if let index = members.firstIndex(of: resource), index > 0 {
                    notes.append("group \(group.id): placed with \(members[index - 1]) (each member follows the one before it)")
                }
            }
            for constraint in configuration.firstElement(named: "constraints")?.elements(named: "rsc_colocation") ?? [] where owners.contains(constraint["rsc"] ?? "") {
                notes.append("colocation \(constraint.id): \(constraint["score"] ?? "0") with \(constraint["with-rsc"] ?? "?")")
            }
            if cib["have-quorum"] == "0" || cib["have-quorum"] == "false" {
                notes.append("no quorum: no-quorum-policy=\(meta.property("no-quorum-policy") ?? "stop") applies")
            }
            result.append(NodeScore(node: node, score: scores[node] ?? "?", parts: parts, notes: notes))
        }
        return Explanation(resource: resource, agent: agent, group: parentGroup?.id, runningOn: running, decision: decision, nodes: result)
    }

    static func failCount(cib: XMLElement, resource: String, node: String) -> Int {
        var total = 0
        for state in cib.firstElement(named: "status")?.elements(named: "node_state") ?? [] where state["uname"] == node {
            for pair in state.firstElement(named: "transient_attributes")?.firstElement(named: "instance_attributes")?.elements(named: "nvpair") ?? [] {
                let name = pair["name"] ?? ""
                if name == "fail-count-\(resource)" || name.hasPrefix("fail-count-\(resource)#") {
                    total = Score.add(total, Score(parsing: pair["value"]).value)
                }
            }
        }
        return total
    }
}

/// Meta attributes as the scheduler resolves them: the resource, its group, rsc_defaults.
struct MetaLookup {
    let cib: XMLElement
    let element: XMLElement
    let group: XMLElement?

    func value(_ name: String) -> (value: String, source: String)? {
        func from(_ owner: XMLElement?) -> String? {
            owner?.elements(named: "meta_attributes").flatMap { $0.elements(named: "nvpair") }.first { $0["name"] == name }?["value"]
        }
        if let value = from(element) { return (value, element.id) }
        if let value = from(group) { return (value, "group \(group!.id)") }
        if let value = from(cib.firstElement(named: "configuration")?.firstElement(named: "rsc_defaults")) { return (value, "rsc_defaults") }
        return nil
    }

    func property(_ name: String) -> String? {
        cib.firstElement(named: "configuration")?.firstElement(named: "crm_config")?.elements(named: "cluster_property_set")
            .flatMap { $0.elements(named: "nvpair") }.first { $0["name"] == name }?["value"]
    }
}

extension XMLElement {
    /// Whether a location rule made only of `#uname` comparisons holds on `node`.
    func matchesUname(_ node: String) -> Bool {
        let expressions = elements(named: "expression")
        guard !expressions.isEmpty, expressions.allSatisfy({ $0["attribute"] == "#uname" }) else { return false }
        let results = expressions.map { e -> Bool in
            switch e["operation"] {
            case "eq": return e["value"] == node
            case "ne": return e["value"] != node
            default: return false
            }
        }
        return self["boolean-op"] == "or" ? results.contains(true) : results.allSatisfy { $0 }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }

    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
