// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// A JSON value with ordered object keys, so output never depends on hashing.
enum JSONValue {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(Int)
    case bool(Bool)
    case null

    var isNull: Bool { if case .null = self { return true } else { return false } }

    /// Two-space indented JSON.
    func serialized(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent), inner = String(repeating: "  ", count: indent + 1)
        switch self {
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            return "{\n" + fields.map { inner + JSONValue.quote($0.0) + ": " + $0.1.serialized(indent: indent + 1) }
                .joined(separator: ",\n") + "\n" + pad + "}"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + $0.serialized(indent: indent + 1) }.joined(separator: ",\n") + "\n" + pad + "]"
        case .string(let s): return JSONValue.quote(s)
        case .number(let n): return "\(n)"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension JSONValue {
    /// Element names whose children form a list (`"nodes": [ … ]`).
    static let containers: Set<String> = ["nodes", "resources", "node_attributes", "node_history", "failures", "bans"]
    /// Elements that repeat under a parent, and the list key they are gathered under.
    static let repeated: [String: String] = [
        "resource": "resources", "group": "resources", "node": "nodes", "attribute": "attributes",
        "resource_history": "resources", "operation_history": "operations",
    ]
    /// Attributes that hold integers.
    static let numeric: Set<String> = [
        "number", "disabled", "blocked", "stonith-timeout-ms", "priority-fencing-delay-ms", "resources_running",
        "nodes_running_on", "number_resources", "migration-threshold", "fail-count", "rc", "exitcode", "call",
        "queued", "exec", "interval", "weight", "code", "expected",
    ]
    /// Attributes that stay strings even when they read `true`/`false`.
    static let textual: Set<String> = ["name", "id", "value", "op_key", "resource", "node", "exitreason", "time",
                                       "user", "client", "origin", "request", "type", "message"]

    /// The JSON form of a crm_mon XML document: attributes become typed fields, list
    /// elements become arrays, a resource list entry says whether it is a group.
    /// The whole JSON document: the XML document's content, then `pacer` before `status`.
    static func document(_ doc: XMLElement, pacer: PacerSection?) -> String {
        var fields = fields(of: doc)
        if let pacer { fields.insert(("pacer", pacer.json()), at: max(fields.count - 1, 0)) }
        return JSONValue.object(fields).serialized() + "\n"
    }

    private static func fields(of element: XMLElement) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = element.attributes.map { ($0.name, typed($0.name, $0.value)) }
        var lists: [(String, [JSONValue])] = []
        for child in element.elements {
            if containers.contains(child.name) {
                fields.append((child.name, .array(child.elements.map(listEntry))))
            } else if let key = repeated[child.name] {
                if let i = lists.firstIndex(where: { $0.0 == key }) {
                    lists[i].1.append(listEntry(child))
                } else {
                    lists.append((key, [listEntry(child)]))
                    fields.append((key, .null))  // placeholder keeps the key where it first appeared
                }
            } else {
                fields.append((child.name, .object(JSONValue.fields(of: child))))
            }
        }
        for (key, items) in lists {
            if let i = fields.firstIndex(where: { $0.0 == key && $0.1.isNull }) { fields[i].1 = .array(items) }
        }
        return fields
    }

    private static func listEntry(_ element: XMLElement) -> JSONValue {
        var f = fields(of: element)
        if element.name == "group" || element.name == "resource" { f.insert(("kind", .string(element.name)), at: 0) }
        return .object(f)
    }

    private static func typed(_ name: String, _ value: String) -> JSONValue {
        if numeric.contains(name), let n = Int(value) { return .number(n) }
        if !textual.contains(name) && (value == "true" || value == "false") { return .bool(value == "true") }
        return .string(value)
    }
}
