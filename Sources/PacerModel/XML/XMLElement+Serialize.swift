// SPDX-License-Identifier: GPL-2.0-or-later
/// Writing an element as text, in the layout Pacemaker's tools use.
extension XMLElement {
    /// The element as Pacemaker writes a CIB: two-space indentation, one element
    /// per line, `<x/>` for empty elements, attributes in stored order, a final newline.
    ///
    /// Indentation stops growing at `XMLElement.maxIndentLevels` (deeper lines start in the
    /// same column, as libxml2's writer does), so the text grows linearly with the number of
    /// elements however deep they nest; real CIBs are far shallower. The walk keeps its own
    /// stack, so any depth is written without recursion.
    public func serialized(indent: Bool = true) -> String {
        var out = ""
        out.reserveCapacity(4096)
        var writer = XMLWriter()
        writer.write(self, to: &out, indent: indent)
        return out
    }

    /// Levels of indentation after which deeper elements are not indented further.
    public static let maxIndentLevels = 32
}

/// The iterative writer behind `XMLElement.serialized(indent:)`.
private struct XMLWriter {
    /// An element whose start tag is written and whose children are being written.
    struct Open {
        var element: XMLElement
        /// The index of the child to write next.
        var next: Int
        var depth: Int
        /// Written on its own line (closed with a newline).
        var indented: Bool
        /// Children written inline: mixed content, or all of it unindented.
        var inline: Bool
    }

    static let pads: [String] = (0...XMLElement.maxIndentLevels).map { String(repeating: "  ", count: $0) }
    var stack: [Open] = []

    static func pad(_ depth: Int, _ out: inout String) {
        if depth > 0 { out += pads[min(depth, XMLElement.maxIndentLevels)] }
    }

    /// Writes the start tag (or the whole element when it is empty); pushes it when it has children.
    mutating func open(_ element: XMLElement, depth: Int, indented: Bool, to out: inout String) {
        if indented { Self.pad(depth, &out) }
        out += "<"
        out += element.name
        for attribute in element.attributes {
            out += " "
            out += attribute.name
            out += "=\""
            XMLEscaping.appendAttribute(attribute.value, to: &out)
            out += "\""
        }
        let children = element.children
        if children.isEmpty {
            out += indented ? "/>\n" : "/>"
            return
        }
        // Mixed content (text children) is written inline so the text stays exact.
        let inline = !indented || children.contains { if case .text = $0 { return true } else { return false } }
        out += inline ? ">" : ">\n"
        stack.append(Open(element: element, next: 0, depth: depth, indented: indented, inline: inline))
    }

    mutating func write(_ root: XMLElement, to out: inout String, indent: Bool) {
        open(root, depth: 0, indented: indent, to: &out)
        while let top = stack.indices.last {
            let index = stack[top].next
            guard index < stack[top].element.children.count else {
                let done = stack.removeLast()
                if done.inline {
                    out += "</"; out += done.element.name; out += done.indented ? ">\n" : ">"
                } else {
                    Self.pad(done.depth, &out)
                    out += "</"; out += done.element.name; out += ">\n"
                }
                continue
            }
            stack[top].next = index + 1
            let inline = stack[top].inline, depth = stack[top].depth
            switch stack[top].element.children[index] {
            case .element(let element):
                open(element, depth: inline ? 0 : depth + 1, indented: !inline, to: &out)
            case .text(let text):
                if inline { XMLEscaping.appendText(text, to: &out) }
            case .comment(let text):
                if inline {
                    out += "<!--"; out += text; out += "-->"
                } else {
                    Self.pad(depth + 1, &out)
                    out += "<!--"; out += text; out += "-->\n"
                }
            }
        }
    }
}

/// XML character escaping as libxml2 and Pacemaker do it.
public enum XMLEscaping {
    /// Appends `value` escaped for use inside a double-quoted attribute.
    public static func appendAttribute(_ value: String, to out: inout String) {
        if !value.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 < 0x20 }) {
            out += value
            return
        }
        append(value, to: &out, attribute: true)
    }

    /// Appends `value` escaped for use as element text.
    public static func appendText(_ value: String, to out: inout String) {
        append(value, to: &out, attribute: false)
    }

    /// Markup characters and CR always; in an attribute also the quote, LF and tab (which
    /// attribute-value normalisation would otherwise turn into spaces).
    private static func append(_ value: String, to out: inout String, attribute: Bool) {
        for scalar in value.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\r": out += "&#13;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
