// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// crmsh's spelling of scores, paths, attribute sets and quoted values, and its continuation lines.
extension CrmShow {
    /// crmsh's score spelling: INFINITY forms as `inf`.
    static func score(_ value: String) -> String {
        switch value {
        case "INFINITY": return "inf"
        case "+INFINITY": return "+inf"
        case "-INFINITY": return "-inf"
        default: return value
        }
    }

    /// crmsh's `cli_path`: a path is quoted unless it is a bare word.
    static func path(_ value: String) -> String { quote(value) }

    /// The set's nvpairs; crmsh's `_attr_set_str` strips the trailing blank, so an empty set leaves
    /// the keyword alone (`meta`, not `meta `).
    static func pairs(_ set: XMLElement) -> String {
        set.elements(named: "nvpair").map(nvpair).joined(separator: " ")
    }

    /// `name=value`, the value hidden as crmsh hides what matches its default obscure_pattern (`passw*`).
    static func nvpair(_ pair: XMLElement) -> String {
        if let reference = pair["id-ref"] { return pair["name"].map { "@\(reference):\($0)" } ?? "@\(reference)" }
        let name = pair["name"] ?? ""
        return "\(name)=\(quote(name.hasPrefix("passw") && pair["value"] != nil ? "******" : pair["value"] ?? ""))"
    }

    static func labelled(_ keyword: String, _ set: XMLElement) -> String {
        let text = pairs(set)
        return text.isEmpty ? keyword : "\(keyword) \(text)"
    }

    /// Leaves `[\w.-]+` bare and double-quotes anything else, as crmsh's `noquotes`.
    static func quote(_ value: String) -> String {
        let bare = !value.isEmpty && value.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" || $0 == "." || $0 == "-"
        }
        if bare { return value }
        return "\"" + value.replacingAll("\"", with: "\\\"") + "\""
    }

    static func joinLines(_ lines: [String]) -> String {
        lines.enumerated().map { index, line in index == 0 ? line : "\t" + line }.joined(separator: " \\\n")
    }
}
