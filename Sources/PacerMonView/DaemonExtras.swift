// SPDX-License-Identifier: GPL-2.0-or-later
/// What the local daemon reports beside the CIB in its `status` reply: `key=value`
/// lines (`node=`, `peer=`, `dc=`, `peer-state=`, `quorum=`, `interval=`, `deadtime=`,
/// `last-transition=`, one `link=NAME STATE` per interlink).
public struct DaemonExtras: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: String
    }

    /// The lines in the order the daemon sent them.
    public var fields: [Field]

    /// Parses `key=value` lines; a line without `=` becomes a key with an empty value.
    public init(lines: [String]) {
        fields = lines.map { line in
            guard let eq = line.firstIndex(of: "=") else { return Field(key: line, value: "") }
            return Field(key: String(line[..<eq]), value: String(line[line.index(after: eq)...]))
        }
    }

    /// The first value for `key`.
    public subscript(_ key: String) -> String? { fields.first { $0.key == key }?.value }

    /// Interlinks and their states, from `link=link0 up` lines.
    public var links: [(name: String, state: String)] {
        fields.filter { $0.key == "link" }.map { field in
            let parts = field.value.split(separator: " ", maxSplits: 1)
            return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "unknown")
        }
    }
}
