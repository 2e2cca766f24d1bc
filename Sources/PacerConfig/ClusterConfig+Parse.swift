// SPDX-License-Identifier: GPL-2.0-or-later
/// Reading pacer.conf's text, every problem reported with its line.
extension ClusterConfig {
    static let clusterKeys = ["name", "authkey", "port", "interval", "deadtime", "state_dir", "ipc_name", "two_node", "wait_for_all"]
    static let nodeKeys = ["interlink", "data"]

    /// Parses the text of a configuration file.
    /// - Throws: `[ConfigError]`, every problem found, in line order.
    public static func parse(_ text: String) throws(ConfigErrors) -> ClusterConfig {
        var errors: [ConfigError] = []
        var section: (kind: String, name: String?, line: Int)?
        var cluster: [String: (value: String, line: Int)] = [:]
        var nodes: [(name: String, line: Int, keys: [String: (value: String, line: Int)])] = []
        var sawCluster = false

        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let text = line.trimmed
            if text.isEmpty { continue }
            if text.hasPrefix("[") {
                guard text.hasSuffix("]") else { errors.append(ConfigError(line: number, "section header '\(text)' lacks its closing ']'")); continue }
                let words = text.dropFirst().dropLast().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                switch (words.first, words.count) {
                case ("cluster", 1):
                    if sawCluster { errors.append(ConfigError(line: number, "a second [cluster] section")) }
                    sawCluster = true
                    section = ("cluster", nil, number)
                case ("node", 2):
                    let name = words[1]
                    if !isValidNodeName(name) {
                        errors.append(ConfigError(line: number, "node name '\(name)' must be letters, digits, '-', '_' or '.'"))
                    }
                    if nodes.contains(where: { $0.name == name }) {
                        errors.append(ConfigError(line: number, "node '\(name)' is defined twice"))
                    }
                    nodes.append((name, number, [:]))
                    section = ("node", name, number)
                default:
                    errors.append(ConfigError(line: number, "unknown section '\(text)'; expected [cluster] or [node NAME]"))
                    section = nil
                }
                continue
            }
            guard let eq = text.firstIndex(of: "=") else {
                errors.append(ConfigError(line: number, "expected 'key = value', got '\(text)'"))
                continue
            }
            let key = String(text[..<eq]).trimmed
            let value = String(text[text.index(after: eq)...]).trimmed
            guard let current = section else {
                errors.append(ConfigError(line: number, "'\(key)' is outside any section; start with [cluster]"))
                continue
            }
            if value.isEmpty { errors.append(ConfigError(line: number, "'\(key)' has no value")); continue }
            if current.kind == "cluster" {
                guard clusterKeys.contains(key) else {
                    errors.append(ConfigError(line: number, "unknown key '\(key)' in [cluster]; known keys: \(clusterKeys.joined(separator: ", "))"))
                    continue
                }
                if cluster[key] != nil { errors.append(ConfigError(line: number, "'\(key)' is set twice in [cluster]")) }
                cluster[key] = (value, number)
            } else {
                guard nodeKeys.contains(key) else {
                    errors.append(ConfigError(line: number, "unknown key '\(key)' in [node \(current.name!)]; known keys: \(nodeKeys.joined(separator: ", "))"))
                    continue
                }
                if nodes[nodes.count - 1].keys[key] != nil { errors.append(ConfigError(line: number, "'\(key)' is set twice in [node \(current.name!)]")) }
                nodes[nodes.count - 1].keys[key] = (value, number)
            }
        }

        if !sawCluster { errors.append(ConfigError(line: 0, "no [cluster] section")) }
        func string(_ key: String, default value: String) -> String { cluster[key]?.value ?? value }
        func duration(_ key: String, default value: Duration) -> Duration {
            guard let entry = cluster[key] else { return value }
            guard let parsed = parseDuration(entry.value) else {
                errors.append(ConfigError(line: entry.line, "\(key) '\(entry.value)' is not a duration (e.g. 100ms, 2s)"))
                return value
            }
            return parsed
        }
        func bool(_ key: String, default value: Bool) -> Bool {
            guard let entry = cluster[key] else { return value }
            switch entry.value.lowercased() {
            case "1", "yes", "true", "on": return true
            case "0", "no", "false", "off": return false
            default:
                errors.append(ConfigError(line: entry.line, "\(key) must be yes or no, not '\(entry.value)'"))
                return value
            }
        }
        let name = string("name", default: "")
        if sawCluster && name.isEmpty { errors.append(ConfigError(line: 0, "[cluster] has no 'name'")) }
        var port: UInt16 = 5405
        if let entry = cluster["port"] {
            if let value = UInt16(entry.value), value > 0, value < 65535 { port = value } else {
                errors.append(ConfigError(line: entry.line, "port '\(entry.value)' must be a number from 1 to 65534"))
            }
        }
        let interval = duration("interval", default: .milliseconds(100))
        let deadtime = duration("deadtime", default: interval * 3)
        if interval <= .zero { errors.append(ConfigError(line: cluster["interval"]?.line ?? 0, "interval must be positive")) }
        if deadtime <= interval {
            errors.append(ConfigError(line: cluster["deadtime"]?.line ?? 0, "deadtime (\(deadtime)) must be longer than interval (\(interval))"))
        }
        var parsedNodes: [Node] = []
        for node in nodes {
            guard let interlink = node.keys["interlink"] else {
                errors.append(ConfigError(line: node.line, "[node \(node.name)] has no 'interlink' address"))
                continue
            }
            for (key, entry) in [("interlink", interlink)] + (node.keys["data"].map { [("data", $0)] } ?? []) where !isIPAddress(entry.value) {
                errors.append(ConfigError(line: entry.line, "\(key) '\(entry.value)' of node \(node.name) is not an IPv4 or IPv6 address"))
            }
            parsedNodes.append(Node(name: node.name, interlink: interlink.value, data: node.keys["data"]?.value, line: node.line))
        }
        if sawCluster && nodes.count != 2 {
            errors.append(ConfigError(line: nodes.last?.line ?? 0, "a Pacer cluster has exactly two nodes; this file defines \(nodes.count)"))
        }
        if parsedNodes.count == 2 {
            if parsedNodes[0].interlink == parsedNodes[1].interlink {
                errors.append(ConfigError(line: parsedNodes[1].line, "both nodes have interlink address \(parsedNodes[0].interlink)"))
            }
            if (parsedNodes[0].data == nil) != (parsedNodes[1].data == nil) {
                errors.append(ConfigError(line: parsedNodes[1].line, "a data link needs an address on both nodes"))
            }
        }
        guard errors.isEmpty else { throw ConfigErrors(errors: errors.sorted { $0.line < $1.line }) }
        return ClusterConfig(clusterName: name, nodes: parsedNodes, authkeyPath: string("authkey", default: "/etc/pacer/authkey"),
                             port: port, interval: interval, deadtime: deadtime,
                             stateDirectory: string("state_dir", default: "/var/lib/pacer"),
                             ipcName: string("ipc_name", default: "pacer"),
                             twoNode: bool("two_node", default: true), waitForAll: bool("wait_for_all", default: true))
    }
}
