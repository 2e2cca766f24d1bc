// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// `primitive`, `group` and `clone`.
extension CrmParser {
    /// Resource agent classes Pacemaker knows.
    public static let agentClasses = ["ocf", "lsb", "systemd", "service", "stonith", "nagios", "upstart"]

    /// Attributes crmsh puts on `<op>` itself; any other `name=value` becomes an op parameter.
    static let opAttributes: Set<String> = ["interval", "timeout", "on-fail", "start-delay", "role", "enabled",
                                            "record-pending", "requires", "description", "interval-origin"]

    /// `primitive ID AGENT|@TEMPLATE …` or (`template`) `rsc_template ID AGENT …`: `params`, `meta`,
    /// `utilization` and `op` groups in any order, as crmsh's parser takes them.
    static func primitive(_ cursor: inout CrmWords, template isTemplate: Bool = false) throws(CrmError) -> PrimitiveDefinition {
        let what = isTemplate ? "rsc_template" : "primitive"
        let id = try cursor.expect("\(what) id")
        try checkID(id, &cursor)
        var definition = PrimitiveDefinition(id: id, resourceClass: "ocf", provider: "heartbeat", type: "",
                                             description: nil, blocks: [], ops: [])
        let spec = try cursor.expect(isTemplate ? "resource agent (class:provider:type)" : "resource agent (class:provider:type) or @template")
        if spec.hasPrefix("@") {
            guard !isTemplate else { throw cursor.error("a rsc_template takes a resource agent, not another template ('\(spec)')") }
            let template = String(spec.dropFirst())
            guard !template.isEmpty else { throw cursor.error("missing the template's id after '@'") }
            try checkID(template, &cursor)
            definition.template = template
            definition.resourceClass = ""
            definition.provider = nil
        } else {
            (definition.resourceClass, definition.provider, definition.type) = try agent(spec, &cursor)
        }
        while let word = cursor.peek {
            if word == "op" {
                // All operations go into one <operations> where the first was typed (crmsh would write a
                // second <operations> for ops typed after another group, which Pacemaker's schema refuses).
                if definition.operationsIndex == nil { definition.operationsIndex = definition.blocks.count }
                _ = cursor.next()
                definition.ops.append(try op(&cursor))
                continue
            }
            switch word {
            case "params", "meta", "utilization":
                _ = cursor.next()
                let kind: AttributeBlock.Kind = word == "params" ? .params : word == "meta" ? .meta : .utilization
                definition.blocks.append(.init(kind: kind, values: try block(word, &cursor)))
            default:
                if word.hasPrefix("description=") {
                    _ = cursor.next()
                    definition.description = String(word.dropFirst(12))
                } else if cursor.nameValue(word) != nil {
                    definition.blocks.append(.init(kind: .params, values: NameValues(cursor.nameValues())))   // "params" is optional
                } else {
                    _ = cursor.next()
                    throw cursor.error("expected 'params', 'meta', 'utilization', 'op' or name=value")
                }
            }
        }
        return definition
    }

    /// `[class:[provider:]]type` as crmsh reads it (no class: ocf:heartbeat).
    static func agent(_ spec: String, _ cursor: inout CrmWords) throws(CrmError) -> (String, String?, String) {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var resourceClass = "ocf", provider: String? = "heartbeat", type = spec
        if parts.count > 1, !agentClasses.contains(parts[0]) {
            throw cursor.error("unknown resource agent class '\(parts[0])'; expected one of \(agentClasses.joined(separator: ", "))", kind: .badValue)
        }
        switch parts.count {
        case 1: break
        case 2:
            resourceClass = parts[0]
            type = parts[1]
            if resourceClass != "ocf" { provider = nil }
        case 3:
            resourceClass = parts[0]; provider = parts[1]; type = parts[2]
            guard resourceClass == "ocf" else {
                throw cursor.error("only the ocf class takes a provider ('\(spec)')", kind: .badValue)
            }
        default:
            throw cursor.error("expected class:provider:type, got '\(spec)'", kind: .badValue)
        }
        guard agentClasses.contains(resourceClass) else {
            throw cursor.error("unknown resource agent class '\(resourceClass)'; expected one of \(agentClasses.joined(separator: ", "))", kind: .badValue)
        }
        guard !type.isEmpty, provider?.isEmpty != true else {
            throw cursor.error("incomplete resource agent '\(spec)'", kind: .badValue)
        }
        return (resourceClass, provider, type)
    }

    static func op(_ cursor: inout CrmWords) throws(CrmError) -> OpDefinition {
        let name = try cursor.expect("operation name after 'op'")
        guard cursor.nameValue(name) == nil, !["op", "op_params", "op_meta"].contains(name) else {
            throw cursor.error("expected an operation name (start, stop, monitor, …)")
        }
        var definition = OpDefinition(name: name, attributes: NameValues(), params: NameValues(), meta: NameValues())
        for pair in cursor.nameValues() {
            if opAttributes.contains(pair.name) {
                definition.attributes.pairs.append(.init(name: pair.name, value: pair.value))
            } else {
                definition.params.pairs.append(.init(name: pair.name, value: pair.value))
            }
        }
        if let interval = definition.attributes.pairs.first(where: { $0.name == "interval" })?.value,
           !isValidInterval(interval) {
            throw cursor.error("invalid interval '\(interval)' for operation '\(name)'; expected e.g. 10s, 500ms, 1min", kind: .badValue)
        }
        while let word = cursor.peek, word == "op_params" || word == "op_meta" {
            _ = cursor.next()
            let values = try block(word, &cursor)
            if word == "op_params" { definition.params.pairs += values.pairs } else { definition.meta.pairs += values.pairs }
        }
        if let word = cursor.peek, !["op", "params", "meta", "utilization"].contains(word), !word.hasPrefix("description=") {
            _ = cursor.next()
            throw cursor.error("expected 'op', 'op_params', 'op_meta', 'params', 'meta', 'utilization' or name=value")
        }
        return definition
    }

    /// Whether Pacemaker reads `text` as an interval (``IntervalSpec``: a number with a unit it
    /// knows by its first letters, or an ISO 8601 duration) rather than falling back to 0.
    /// crmsh writes any interval (`abc`, `Pfoo`), but one with white space makes an operation
    /// id it refuses (`tst-monitor-10 s`); Pacer refuses both what Pacemaker cannot read and
    /// white space.
    static func isValidInterval(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace) else { return false }
        return text.hasPrefix("P") ? IntervalSpec.iso8601Seconds(text) != nil : IntervalSpec.milliseconds(text) != nil
    }

    static func group(_ cursor: inout CrmWords) throws(CrmError) -> GroupDefinition {
        let id = try cursor.expect("group id")
        try checkID(id, &cursor)
        var definition = GroupDefinition(id: id, members: [], description: nil, blocks: [])
        while let word = cursor.peek, word != "meta", word != "params", !word.contains("=") {
            _ = cursor.next()
            try checkID(word, &cursor)
            guard !definition.members.contains(word) else {
                throw cursor.error("'\(word)' is listed twice in group '\(id)'", kind: .badValue)
            }
            definition.members.append(word)
        }
        guard !definition.members.isEmpty else { throw cursor.missing("at least one group member") }
        try trailingBlocks(&cursor, description: &definition.description, blocks: &definition.blocks)
        return definition
    }

    static func clone(_ cursor: inout CrmWords, master: Bool = false) throws(CrmError) -> CloneDefinition {
        let typed = cursor.words
        let id = try cursor.expect(master ? "ms id" : "clone id")
        try checkID(id, &cursor)
        let child = try cursor.expect("the resource to clone")
        try checkID(child, &cursor)
        var definition = CloneDefinition(id: id, child: child, description: nil, blocks: [], master: master, typed: typed)
        if let word = cursor.peek, cursor.nameValue(word) != nil, !word.hasPrefix("description=") {
            definition.blocks.append(.init(kind: .params, values: NameValues(cursor.nameValues())))   // "params" is optional
        }
        try trailingBlocks(&cursor, description: &definition.description, blocks: &definition.blocks)
        return definition
    }

    /// `[description=…] [meta …] [params …]` after a group's or clone's members.
    static func trailingBlocks(_ cursor: inout CrmWords, description: inout String?,
                               blocks: inout [AttributeBlock]) throws(CrmError) {
        while let word = cursor.next() {
            switch word {
            case "meta": blocks.append(.init(kind: .meta, values: try block(word, &cursor)))
            case "params": blocks.append(.init(kind: .params, values: try block(word, &cursor)))
            default:
                if word.hasPrefix("description=") { description = String(word.dropFirst(12)); continue }
                throw cursor.error("expected 'meta', 'params' or 'description=…'")
            }
        }
    }
}
