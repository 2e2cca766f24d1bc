// SPDX-License-Identifier: GPL-2.0-or-later
/// Writing an element as text, in the layout Pacemaker's tools use.
extension XMLElement {
    /// The element as Pacemaker writes a CIB: two-space indentation, one element
    /// per line, `<x/>` for empty elements, attributes in stored order, a final newline.
    public func serialized(indent: Bool = true) -> String {
        var out = ""
        out.reserveCapacity(4096)
        write(to: &out, depth: 0, indent: indent)
        return out
    }

    private func write(to out: inout String, depth: Int, indent: Bool) {
        if indent { for _ in 0..<depth { out += "  " } }
        out += "<"
        out += name
        for attribute in attributes {
            out += " "
            out += attribute.name
            out += "=\""
            XMLEscaping.appendAttribute(attribute.value, to: &out)
            out += "\""
        }
        if children.isEmpty {
            out += indent ? "/>\n" : "/>"
            return
        }
        // Mixed content (text children) is written inline so the text stays exact.
        let hasText = children.contains { if case .text = $0 { return true } else { return false } }
        if hasText || !indent {
            out += ">"
            for child in children {
                switch child {
                case .element(let element): element.write(to: &out, depth: 0, indent: false)
                case .text(let text): XMLEscaping.appendText(text, to: &out)
                case .comment(let text): out += "<!--"; out += text; out += "-->"
                }
            }
            out += "</"; out += name; out += indent ? ">\n" : ">"
            return
        }
        out += ">\n"
        for child in children {
            switch child {
            case .element(let element): element.write(to: &out, depth: depth + 1, indent: true)
            case .text: break
            case .comment(let text):
                for _ in 0...depth { out += "  " }
                out += "<!--"; out += text; out += "-->\n"
            }
        }
        for _ in 0..<depth { out += "  " }
        out += "</"; out += name; out += ">\n"
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
        for scalar in value.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// Appends `value` escaped for use as element text.
    public static func appendText(_ value: String, to out: inout String) {
        for scalar in value.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
