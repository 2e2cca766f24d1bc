// SPDX-License-Identifier: GPL-2.0-or-later
/// `tag` and `alert`.
extension CrmParser {
    /// `tag ID[:] REF…` (crmsh's `tag` takes the id with or without a colon).
    static func tag(_ cursor: inout CrmWords) throws(CrmError) -> TagDefinition {
        var id = try cursor.expect("tag id")
        if id.hasSuffix(":") { id.removeLast() }
        try checkID(id, &cursor)
        var references: [String] = []
        while let word = cursor.next() {
            try checkID(word, &cursor)
            guard !references.contains(word) else { throw cursor.error("'\(word)' is listed twice in tag '\(id)'", kind: .badValue) }
            references.append(word)
        }
        guard !references.isEmpty else { throw cursor.missing("at least one object to tag") }
        return TagDefinition(id: id, references: references)
    }

    static let alertKeywords: Set<String> = ["attributes", "meta", "select", "to"]
    static let selectors = ["nodes", "fencing", "resources", "attributes"]

    /// crmsh's `alert ID PATH [description=…] [meta …] [attributes …] [select KIND… [attributes { NAME… }]]
    /// [to [{] RECIPIENT [description=…] [meta …] [attributes …] [}]]…`. Without braces every `meta` or
    /// `attributes` after a recipient belongs to that recipient, as in crmsh.
    static func alert(_ cursor: inout CrmWords) throws(CrmError) -> AlertDefinition {
        let id = try cursor.expect("alert id")
        try checkID(id, &cursor)
        let path = try cursor.expect("the alert agent's path")
        guard !path.isEmpty else { throw cursor.error("the alert path is empty", kind: .badValue) }
        var definition = AlertDefinition(id: id, path: path, description: nil, items: [])
        if let word = cursor.peek, word.hasPrefix("description=") {
            _ = cursor.next()
            definition.description = String(word.dropFirst(12))
        }
        while let word = cursor.next() {
            switch word {
            case "attributes", "meta":
                definition.items.append(.block(try alertBlock(word, &cursor, stopAt: alertKeywords)))
            case "select":
                var chosen: [AlertDefinition.Selector] = []
                while let kind = cursor.peek, selectors.contains(kind) {
                    if kind == "attributes" {
                        // `attributes` not followed by `{` is the alert's instance attributes (crmsh rewinds).
                        guard cursor.words.indices.contains(cursor.index + 1), cursor.words[cursor.index + 1] == "{" else { break }
                        _ = cursor.next(); _ = cursor.next()
                        var names: [String] = []
                        var closed = false
                        while let name = cursor.next() {
                            if name == "}" { closed = true; break }
                            try checkID(name, &cursor)
                            names.append(name)
                        }
                        guard closed else { throw cursor.missing("'}' to close 'select attributes {'") }
                        chosen.append(.attributes(names))
                    } else {
                        _ = cursor.next()
                        let selector: AlertDefinition.Selector = kind == "nodes" ? .nodes : kind == "fencing" ? .fencing : .resources
                        guard !chosen.contains(selector) else { throw cursor.error("'\(kind)' is selected twice", kind: .badValue) }
                        chosen.append(selector)
                    }
                }
                if chosen.isEmpty {
                    if cursor.peek == nil { throw cursor.missing("what to select (nodes, fencing, resources, attributes { NAME… })") }
                    if cursor.peek != "attributes" {
                        _ = cursor.next()
                        throw cursor.error("expected nodes, fencing, resources or attributes { NAME… } after 'select'")
                    }
                } else {
                    definition.items.append(.select(chosen))
                }
            case "to":
                let braced = cursor.peek == "{"
                if braced { _ = cursor.next() }
                guard let value = cursor.next(), !(braced && value == "}") else { throw cursor.missing("the recipient after 'to'") }
                guard !value.isEmpty else { throw cursor.error("the recipient is empty", kind: .badValue) }
                var recipient = AlertDefinition.Recipient(value: value, description: nil, blocks: [])
                if let word = cursor.peek, word.hasPrefix("description=") {
                    _ = cursor.next()
                    recipient.description = String(word.dropFirst(12))
                }
                while let word = cursor.peek, word == "attributes" || word == "meta" {
                    _ = cursor.next()
                    recipient.blocks.append(try alertBlock(word, &cursor, stopAt: alertKeywords.union(["}"])))
                }
                if braced {
                    guard let close = cursor.next() else { throw cursor.missing("'}' to close 'to {'") }
                    guard close == "}" else { throw cursor.error("expected 'attributes', 'meta' or '}' in 'to { … }'") }
                }
                definition.items.append(.recipient(recipient))
            default:
                throw cursor.error("expected 'meta', 'attributes', 'select' or 'to'")
            }
        }
        return definition
    }

    /// `attributes`/`meta` name=value pairs of an alert or recipient.
    static func alertBlock(_ keyword: String, _ cursor: inout CrmWords, stopAt: Set<String>) throws(CrmError) -> AttributeBlock {
        AttributeBlock(kind: keyword == "meta" ? .meta : .params, values: try block(keyword, &cursor, stopAt: stopAt))
    }
}
