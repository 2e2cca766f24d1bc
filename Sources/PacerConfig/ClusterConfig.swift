// SPDX-License-Identifier: GPL-2.0-or-later
#if canImport(Glibc)
import Glibc
import PacerModel
#endif

/// `/etc/pacer/pacer.conf`: the two nodes, their links, timings and where things live.
///
/// The format is INI-like:
///
///     [cluster]
///     name = lbpair
///     authkey = /etc/pacer/authkey
///     port = 5405                  # UDP heartbeats; TCP CIB replication on port + 1
///     interval = 100ms
///     deadtime = 300ms
///
///     [node alpha]
///     interlink = 10.0.0.1
///     data = 192.168.10.11         # optional second link
///
///     [node bravo]
///     interlink = 10.0.0.2
///     data = 192.168.10.12
///
/// Parsing reports every problem with its line number; nothing is guessed.
public struct ClusterConfig: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var name: String
        /// The dedicated interlink address (link 0).
        public var interlink: String
        /// An optional second link, usually the data network (link 1).
        public var data: String?
        public var line: Int
    }

    public var clusterName: String
    public var nodes: [Node]
    public var authkeyPath: String
    /// UDP port for heartbeats; the CIB replication (TCP) uses `port + 1`.
    public var port: UInt16
    public var interval: Duration
    public var deadtime: Duration
    public var stateDirectory: String
    /// Where the IPC socket lives (libqb names it under /dev/shm or the abstract namespace).
    public var ipcName: String
    public var twoNode: Bool
    public var waitForAll: Bool

    public static let defaultPath = "/etc/pacer/pacer.conf"

    public func node(named name: String) -> Node? { nodes.first { $0.name == name } }

    /// The other node of the pair.
    public func peer(of name: String) -> Node? { nodes.first { $0.name != name } }
}

/// A problem in the configuration file, with its line.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }
    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}

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

/// Why `ClusterConfig.load(path:)` refused a file; each case names it.
public enum ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case notRegularFile(path: String, kind: String)
    case wrongOwner(path: String, uid: UInt32)
    case writableByOthers(path: String, mode: UInt32)
    case invalid(path: String, ConfigErrors)

    public var description: String {
        switch self {
        case .missing(let path): return "\(path) does not exist; create it with 'pacer cluster init'"
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .notRegularFile(let path, let kind): return "\(path) is \(kind), not a regular file"
        case .wrongOwner(let path, let uid): return "\(path) is owned by uid \(uid); it must be owned by \(ownerWanted) (chown root \(path))"
        case .writableByOthers(let path, let mode):
            return "\(path) has mode \(String(mode, radix: 8)); refusing a configuration others can change (chmod go-w \(path))"
        case .invalid(let path, let errors): return errors.errors.map { "\(path):\($0.line): \($0.message)" }.joined(separator: "\n")
        }
    }

    /// Exit status as Pacemaker's `results.h`: 66 missing input, 78 bad configuration, 1 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .missing: return 66
        case .invalid, .notRegularFile, .wrongOwner, .writableByOthers: return 78
        case .unreadable: return 1
        }
    }

    private var ownerWanted: String { geteuid() == 0 ? "root" : "root or uid \(geteuid()) (who runs this)" }
}

extension ClusterConfig {
    /// Reads and parses `path` (what pacerd does at start). The file must be a regular file
    /// (not a symlink; a FIFO is refused, not waited on) owned by root (or by whoever runs
    /// this) that neither its group nor others can write: it names the authkey and the
    /// state directory, so whoever can change it can point the daemon elsewhere.
    public static func load(path: String = defaultPath) throws(ConfigFileError) -> ClusterConfig {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw .missing(path: path) }
            var info = stat()
            if code == ELOOP || code == ENXIO, lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                throw .notRegularFile(path: path, kind: fileKindDescription(info.st_mode))
            }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile(path: path, kind: fileKindDescription(info.st_mode)) }
        guard info.st_uid == 0 || info.st_uid == geteuid() else { throw .wrongOwner(path: path, uid: info.st_uid) }
        guard info.st_mode & 0o022 == 0 else { throw .writableByOthers(path: path, mode: UInt32(info.st_mode & 0o777)) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        do { return try parse(String(decoding: bytes, as: UTF8.self)) } catch { throw .invalid(path: path, error) }
    }

}

/// All problems of one configuration file.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// `100ms`, `2s`, `1.5s`, `1min`, or a bare number of milliseconds.
public func parseDuration(_ text: String) -> Duration? {
    let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
    guard !digits.isEmpty, let number = Double(digits), number >= 0 else { return nil }
    let scale: Double
    switch text.dropFirst(digits.count) {
    case "", "ms", "msec": scale = 1
    case "s", "sec": scale = 1000
    case "m", "min": scale = 60_000
    case "us", "usec": scale = 0.001
    default: return nil
    }
    return .microseconds(Int64((number * scale * 1000).rounded()))
}

/// IPv4 dotted quad or an IPv6 address (syntax only).
public func isIPAddress(_ text: String) -> Bool {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    if parts.count == 4 { return parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && Int($0)! <= 255 } }
    guard text.contains(":"), text.count <= 45 else { return false }
    let groups = text.split(separator: ":", omittingEmptySubsequences: false)
    guard groups.count >= 3, groups.count <= 8, text.components(separatedBy: "::") <= 2 else { return false }
    return groups.allSatisfy { $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }
}

extension String {
    func components(separatedBy separator: String) -> Int {
        var count = 1
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) { count += 1; rest = rest[range.upperBound...] }
        return count
    }
}

extension StringProtocol {
    var trimmed: String {
        let scalars = Array(unicodeScalars)
        let isBlank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = scalars.firstIndex(where: { !isBlank($0) }), let last = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[first...last])
        return result
    }
}
