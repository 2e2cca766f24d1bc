// SPDX-License-Identifier: GPL-2.0-or-later
/// What the local daemon reports beside the CIB in its `status` reply: `key=value`
/// lines (`node=`, `peer=`, `dc=`, `peer-state=`, `quorum=`, `interval=`, `deadtime=`,
/// `last-transition=`, one `link=NAME STATE` per interlink, `alerts=` and `alert=` lines).
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

    /// Alert runs on this node: `alerts=FINISHED FAILED RUNNING`, then one `alert=` line per alert
    /// and recipient (its counts and last run); nil when the daemon reports none (no alert configured).
    public var alerts: (finished: Int, failed: Int, running: Int, recent: [String])? {
        guard let counts = self["alerts"] else { return nil }
        let numbers = counts.split(separator: " ").map { Int($0) ?? 0 }
        func at(_ index: Int) -> Int { index < numbers.count ? numbers[index] : 0 }
        return (at(0), at(1), at(2), fields.filter { $0.key == "alert" }.map(\.value))
    }

    /// Interlinks and their states, from `link=link0 up` lines.
    public var links: [(name: String, state: String)] {
        fields.filter { $0.key == "link" }.map { field in
            let parts = field.value.split(separator: " ", maxSplits: 1)
            return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "unknown")
        }
    }
}
