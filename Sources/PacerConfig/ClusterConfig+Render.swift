// SPDX-License-Identifier: GPL-2.0-or-later
/// The file text `pacer cluster init` writes, and the spelling of its values.
extension ClusterConfig {
    /// The file text for `config` (what `pacer cluster init` writes).
    public func rendered() -> String {
        var lines = ["# Pacer cluster configuration (pacer cluster init).", "[cluster]",
                     "name = \(clusterName)", "authkey = \(authkeyPath)", "port = \(port)",
                     "interval = \(Self.format(interval))", "deadtime = \(Self.format(deadtime))",
                     "state_dir = \(stateDirectory)"]
        if ipcName != "pacer" { lines.append("ipc_name = \(ipcName)") }
        if !twoNode { lines.append("two_node = no") }
        if !waitForAll { lines.append("wait_for_all = no") }
        for node in nodes {
            lines += ["", "[node \(node.name)]", "interlink = \(node.interlink)"]
            if let data = node.data { lines.append("data = \(data)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
    }

    static func isValidNodeName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0) }
    }
}
