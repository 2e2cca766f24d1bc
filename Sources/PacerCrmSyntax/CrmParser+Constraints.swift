// SPDX-License-Identifier: GPL-2.0-or-later
/// `location`, `colocation` and `order`.
extension CrmParser {
    static let roles = ["Started", "Stopped", "Promoted", "Unpromoted", "Master", "Slave"]
    static let orderActions = ["start", "stop", "promote", "demote"]
    static let orderKinds = ["Mandatory", "Optional", "Serialize"]

    /// A word of the form `SCORE:` (crmsh's score token), returning the score text.
    static func scoreToken(_ word: String) -> String? {
        guard word.count > 1, word.hasSuffix(":") else { return nil }
        return String(word.dropLast())
    }

    static func location(_ cursor: inout CrmWords) throws(CrmError) -> LocationDefinition {
        let id = try cursor.expect("location id")
        try checkID(id, &cursor)
        let resource = try cursor.expect("resource")
        try checkID(resource, &cursor)
        var definition = LocationDefinition(id: id, resource: resource, role: nil, resourceDiscovery: nil,
                                            score: nil, node: nil, rules: [])
        while let word = cursor.peek, let pair = cursor.nameValue(word) {
            _ = cursor.next()
            switch pair.name {
            case "role":
                guard roles.contains(pair.value) else { throw cursor.error("unknown role '\(pair.value)'; expected one of \(roles.joined(separator: ", "))", kind: .badValue) }
                definition.role = pair.value
            case "resource-discovery":
                guard ["always", "never", "exclusive"].contains(pair.value) else {
                    throw cursor.error("resource-discovery must be always, never or exclusive, not '\(pair.value)'", kind: .badValue)
                }
                definition.resourceDiscovery = pair.value
            default:
                throw cursor.error("unknown location option '\(pair.name)'; expected role= or resource-discovery=")
            }
        }
        guard let word = cursor.next() else { throw cursor.missing("'<score>: <node>' or 'rule'") }
        if word == "rule" {
            cursor.index -= 1
            while cursor.peek == "rule" {
                _ = cursor.next()
                definition.rules.append(try rule(&cursor))
            }
            if cursor.next() != nil { throw cursor.error("expected 'rule' or the end of the constraint") }
            return definition
        }
        guard let score = scoreToken(word) else {
            throw cursor.error("expected '<score>: <node>' or 'rule' (a score ends with ':', e.g. '100:')")
        }
        definition.score = try self.score(score, &cursor)
        definition.node = try cursor.expect("node name after the score")
        if cursor.next() != nil { throw cursor.error("unexpected word after the node name") }
        return definition
    }

    static func rule(_ cursor: inout CrmWords) throws(CrmError) -> RuleDefinition {
        var definition = RuleDefinition(id: nil, role: nil, score: nil, scoreAttribute: nil, booleanOp: nil, expressions: [])
        while let word = cursor.peek, word.hasPrefix("$id=") || word.hasPrefix("$role=") {
            _ = cursor.next()
            if word.hasPrefix("$id=") {
                definition.id = String(word.dropFirst(4))
                try checkID(definition.id!, &cursor)
            } else {
                let role = String(word.dropFirst(6))
                guard roles.contains(role) else { throw cursor.error("unknown role '\(role)'", kind: .badValue) }
                definition.role = role
            }
        }
        if let word = cursor.peek, let score = scoreToken(word) {
            _ = cursor.next()
            if let parsed = try? self.score(score, &cursor) {
                definition.score = parsed
            } else if isValidAttributeName(score) {
                definition.scoreAttribute = score
            } else {
                throw cursor.error("invalid rule score '\(score)'", kind: .badValue)
            }
        } else {
            definition.score = "INFINITY"
        }
        while true {
            definition.expressions.append(try expression(&cursor))
            guard let word = cursor.peek, word == "and" || word == "or" else { break }
            _ = cursor.next()
            if let op = definition.booleanOp, op != word {
                throw cursor.error("cannot mix 'and' and 'or' in one rule; use two rules")
            }
            definition.booleanOp = word
        }
        if definition.booleanOp == "and" { definition.booleanOp = nil }   // Pacemaker's default; crmsh omits it
        return definition
    }

    static func isValidAttributeName(_ name: String) -> Bool {
        !name.isEmpty && !name.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" })
    }

    static func expression(_ cursor: inout CrmWords) throws(CrmError) -> ExpressionDefinition {
        let first = try cursor.expect("a rule expression")
        switch first {
        case "defined", "not_defined":
            let attribute = try cursor.expect("attribute name after '\(first)'")
            return ExpressionDefinition(kind: .defined(attribute: attribute, negated: first == "not_defined"))
        case "date":
            let operation = try cursor.expect("'gt', 'lt' or 'in' after 'date'")
            switch operation {
            case "gt": return ExpressionDefinition(kind: .date(operation: "gt", start: try cursor.expect("a date"), end: nil))
            case "lt": return ExpressionDefinition(kind: .date(operation: "lt", start: nil, end: try cursor.expect("a date")))
            case "in", "in_range":
                var start: String?, end: String?
                while let word = cursor.peek, let pair = cursor.nameValue(word), pair.name == "start" || pair.name == "end" {
                    _ = cursor.next()
                    if pair.name == "start" { start = pair.value } else { end = pair.value }
                }
                guard start != nil || end != nil else { throw cursor.missing("start=… or end=… after 'date in'") }
                return ExpressionDefinition(kind: .date(operation: "in_range", start: start, end: end))
            default:
                throw cursor.error("unknown date operation; expected gt, lt or in")
            }
        default:
            guard cursor.nameValue(first) == nil, !["and", "or", "rule"].contains(first) else {
                throw cursor.error("expected an attribute name, 'defined', 'not_defined' or 'date'")
            }
            var operation = try cursor.expect("a comparison (lt, gt, lte, gte, eq, ne) after '\(first)'")
            var type: String?
            if let colon = operation.firstIndex(of: ":") {
                type = String(operation[..<colon])
                operation = String(operation[operation.index(after: colon)...])
                guard ["string", "number", "integer", "version"].contains(type!) else {
                    throw cursor.error("unknown comparison type '\(type!)'; expected string, number, integer or version", kind: .badValue)
                }
            }
            guard ["lt", "gt", "lte", "gte", "eq", "ne"].contains(operation) else {
                throw cursor.error("unknown comparison '\(operation)'; expected lt, gt, lte, gte, eq or ne")
            }
            let value = try cursor.expect("a value after '\(operation)'")
            return ExpressionDefinition(kind: .compare(attribute: first, operation: operation, value: value, type: type))
        }
    }

    static func colocation(_ cursor: inout CrmWords) throws(CrmError) -> ColocationDefinition {
        let id = try cursor.expect("colocation id")
        try checkID(id, &cursor)
        let scoreWord = try cursor.expect("'<score>:'")
        guard let scoreText = scoreToken(scoreWord) else {
            throw cursor.error("expected '<score>:' (e.g. 'inf:', '-inf:', '100:')")
        }
        let score = try self.score(scoreText, &cursor)
        var definition = ColocationDefinition(id: id, score: score, refs: [], sets: [], nodeAttribute: nil)
        let items = try setItems(&cursor, kind: "colocation") { name, value, cursor throws(CrmError) in
            guard name == "node-attribute" else { throw cursor.error("unknown colocation option '\(name)'; expected node-attribute=") }
            definition.nodeAttribute = value
        }
        (definition.refs, definition.sets) = try refsAndSets(items, refCount: 2, suffix: .role, &cursor)
        return definition
    }

    static func order(_ cursor: inout CrmWords) throws(CrmError) -> OrderDefinition {
        let id = try cursor.expect("order id")
        try checkID(id, &cursor)
        var definition = OrderDefinition(id: id, kind: nil, refs: [], sets: [], symmetrical: nil)
        if let word = cursor.peek, let kind = scoreToken(word) {
            _ = cursor.next()
            if orderKinds.contains(kind) {
                definition.kind = kind
            } else if let score = try? self.score(kind, &cursor) {
                let value = score.hasSuffix("INFINITY") ? (score.hasPrefix("-") ? -1 : 1) : (Int(score) ?? 0)
                guard value >= 0 else { throw cursor.error("a negative order score makes no sense; use Mandatory, Optional or Serialize", kind: .badValue) }
                definition.kind = value > 0 ? "Mandatory" : "Optional"
            } else {
                throw cursor.error("invalid order kind '\(kind)'; expected Mandatory, Optional, Serialize or a score", kind: .badValue)
            }
        }
        let items = try setItems(&cursor, kind: "order") { name, value, cursor throws(CrmError) in
            guard name == "symmetrical" else { throw cursor.error("unknown order option '\(name)'; expected symmetrical=") }
            guard ["true", "false", "yes", "no", "1", "0", "on", "off"].contains(value.lowercased()) else {
                throw cursor.error("symmetrical must be true or false, not '\(value)'", kind: .badValue)
            }
            definition.symmetrical = value
        }
        (definition.refs, definition.sets) = try refsAndSets(items, refCount: 2, suffix: .action, &cursor)
        return definition
    }

    /// What the `:SUFFIX` of a constraint's resource names: a role (colocation, rsc_ticket) or an
    /// action (order).
    enum Suffix: String {
        case role, action

        var allowed: [String] { self == .role ? roles : orderActions }

        /// `text` as a role: itself for a role suffix, nil for an action.
        func role(_ text: String?) -> String? { self == .role ? text : nil }

        /// `text` as an action: itself for an action suffix, nil for a role.
        func action(_ text: String?) -> String? { self == .action ? text : nil }

        /// The error message for a `text` that is not one of `allowed`.
        func unknown(_ text: String, of resource: String) -> String {
            switch self {
            case .role: return "unknown role '\(text)' for '\(resource)'"
            case .action: return "unknown action '\(text)' for '\(resource)'; expected start, stop, promote or demote"
            }
        }
    }

    /// Resources of a colocation/order, grouped into sets by `( )` and `[ ]`, then `name=value` options.
    struct SetItem {
        var resources: [(id: String, suffix: String?)] = []
        var plain = true
        var requireAll = true

        func resourceSet(_ cursor: inout CrmWords, suffix kind: Suffix) throws(CrmError) -> ResourceSet {
            let suffixes = Set(resources.map { $0.suffix ?? "" })
            guard suffixes.count == 1 else {
                throw cursor.error("the resources of one set must share the same \(kind.rawValue)", kind: .badValue)
            }
            let suffix = suffixes.first!.isEmpty ? nil : suffixes.first!
            return ResourceSet(resources: resources.map(\.id), sequential: plain, requireAll: requireAll,
                               role: kind.role(suffix), action: kind.action(suffix))
        }
    }

    /// The resources of a colocation, order or rsc_ticket after their suffixes are checked:
    /// `refCount` of them outside brackets are written on the constraint itself (`refs`), any
    /// other list as resource sets.
    static func refsAndSets(_ items: (sets: [SetItem], count: Int), refCount: Int, suffix: Suffix,
                            _ cursor: inout CrmWords) throws(CrmError) -> (refs: [ResourceRef], sets: [ResourceSet]) {
        for item in items.sets { for ref in item.resources where ref.suffix != nil {
            guard suffix.allowed.contains(ref.suffix!) else { throw cursor.error(suffix.unknown(ref.suffix!, of: ref.id), kind: .badValue) }
        } }
        if items.count == refCount, items.sets.allSatisfy(\.plain) {
            return (items.sets.flatMap(\.resources).map { ResourceRef(id: $0.id, role: suffix.role($0.suffix), action: suffix.action($0.suffix)) }, [])
        }
        return ([], try items.sets.map { set throws(CrmError) in try set.resourceSet(&cursor, suffix: suffix) })
    }

    static func setItems(_ cursor: inout CrmWords, kind: String, minimum: Int = 2,
                         option: (String, String, inout CrmWords) throws(CrmError) -> Void) throws(CrmError) -> (sets: [SetItem], count: Int) {
        var sets: [SetItem] = []
        var open: SetItem?
        var count = 0
        while let word = cursor.next() {
            if let pair = cursor.nameValue(word) {
                guard open == nil else { throw cursor.error("option inside a resource set") }
                try option(pair.name, pair.value, &cursor)
                continue
            }
            switch word {
            case "(", "[":
                guard open == nil else { throw cursor.error("resource sets cannot be nested") }
                open = SetItem(resources: [], plain: false, requireAll: word == "(")
            case ")", "]":
                guard var set = open, (word == ")") == set.requireAll else { throw cursor.error("unbalanced '\(word)'") }
                guard !set.resources.isEmpty else { throw cursor.error("empty resource set") }
                set.plain = false
                sets.append(set)
                open = nil
            default:
                var id = word, suffix: String?
                if let colon = word.firstIndex(of: ":") {
                    id = String(word[..<colon])
                    suffix = String(word[word.index(after: colon)...])
                }
                try checkID(id, &cursor)
                count += 1
                // A change of role (or action) starts a new set, as crmsh's ResourceSet parser.
                if var current = open {
                    if let previous = current.resources.last, previous.suffix != suffix {
                        sets.append(current)
                        current.resources = []
                    }
                    current.resources.append((id, suffix))
                    open = current
                } else if let last = sets.last, last.plain, last.resources.last?.suffix == suffix {
                    sets[sets.count - 1].resources.append((id, suffix))
                } else {
                    sets.append(SetItem(resources: [(id, suffix)], plain: true, requireAll: true))
                }
            }
        }
        guard open == nil else { throw cursor.missing("a closing bracket") }
        guard count >= minimum else {
            throw cursor.missing(minimum == 1 ? "a resource" : "two resources (a \(kind) relates at least two)")
        }
        return (sets, count)
    }

    static let lossPolicies = ["stop", "demote", "fence", "freeze"]

    /// `rsc_ticket ID TICKET: RSC[:ROLE]… [loss-policy=stop|demote|fence|freeze]`: one resource is
    /// written as rsc/rsc-role, more as resource sets (a change of role starts a new set).
    static func ticket(_ cursor: inout CrmWords) throws(CrmError) -> TicketDefinition {
        let id = try cursor.expect("rsc_ticket id")
        try checkID(id, &cursor)
        let ticketWord = try cursor.expect("'<ticket>:'")
        guard let ticket = scoreToken(ticketWord) else { throw cursor.error("expected '<ticket>:' (the ticket's name and a colon)") }
        try checkID(ticket, &cursor)
        var definition = TicketDefinition(id: id, ticket: ticket, lossPolicy: nil, refs: [], sets: [])
        let items = try setItems(&cursor, kind: "rsc_ticket", minimum: 1) { name, value, cursor throws(CrmError) in
            guard name == "loss-policy" else { throw cursor.error("unknown rsc_ticket option '\(name)'; expected loss-policy=") }
            guard lossPolicies.contains(value) else {
                throw cursor.error("loss-policy must be one of \(lossPolicies.joined(separator: ", ")), not '\(value)'", kind: .badValue)
            }
            definition.lossPolicy = value
        }
        (definition.refs, definition.sets) = try refsAndSets(items, refCount: 1, suffix: .role, &cursor)
        return definition
    }

    /// `fencing_topology [TARGET:] DEVICES… …`: without targets the levels apply to every node.
    static func fencingTopology(_ cursor: inout CrmWords) throws(CrmError) -> FencingTopologyDefinition {
        var levels: [FencingTopologyDefinition.Level] = []
        var target: FencingTopologyDefinition.Target?
        var sawTarget = false
        while let word = cursor.next() {
            if word.lowercased().hasPrefix("attr:"), let eq = word.firstIndex(of: "=") {
                let name = String(word[word.index(word.startIndex, offsetBy: 5)..<eq]), value = String(word[word.index(after: eq)...])
                guard !name.isEmpty, !value.isEmpty else { throw cursor.error("expected attr:NAME=VALUE", kind: .badValue) }
                target = .attribute(name: name, value: value)
            } else if word.lowercased().hasPrefix("pattern:"), word.count > 8 {
                target = .pattern(String(word.dropFirst(8)))
            } else if word.hasSuffix(":"), word.count > 1 {
                target = .node(String(word.dropLast()))
            } else {
                if target == nil && sawTarget { throw cursor.error("devices before the first target") }
                levels.append(.init(target: target, devices: word))
                continue
            }
            if !levels.isEmpty && levels.contains(where: { $0.target == nil }) {
                throw cursor.error("a target after levels for every node; give a target for each level")
            }
            sawTarget = true
        }
        guard !levels.isEmpty else { throw cursor.missing("the fencing devices") }
        return FencingTopologyDefinition(levels: levels)
    }
}
