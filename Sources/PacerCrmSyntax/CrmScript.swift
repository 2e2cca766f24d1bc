// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// Runs a crm script (`crm -f` input) against a CIB in memory.
///
/// Levels work as in crmsh: `configure` enters the configure level (or prefixes a
/// single command), `commit` marks a commit point, `end`/`up`/`cd ..` leave the level.
/// Unlike crmsh, the script is all or nothing: the first error stops it and the
/// caller writes nothing.
public struct CrmScript: Sendable {
    /// What the script printed (from `show`) and did.
    public enum Output: Sendable, Equatable {
        case show(String)
        case message(String)
        /// `verify` asks the caller to check the CIB at this point.
        case verify(XMLElement)
    }

    public private(set) var editor: CIBEditor
    public private(set) var outputs: [Output] = []
    /// Commit points reached with changes since the previous one (each is one epoch).
    public private(set) var commits = 0
    private var level: [String] = []
    private var committed: XMLElement
    /// Where a new primitive's agent is looked up (crmsh refuses an agent it cannot find; Pacer
    /// writes the primitive and warns); nil: not looked up.
    public var agents: CrmVerify.Host? = .local()

    public init(cib: XMLElement, liveCluster: Bool = false) {
        editor = CIBEditor(cib: cib)
        editor.refuseRunningDeletes = liveCluster
        committed = editor.cib
    }

    /// The CIB after everything run so far.
    public var cib: XMLElement { editor.cib }

    /// Runs every line of `script`.
    public mutating func run(script: String) throws(CrmError) {
        for line in try CrmTokenizer.lines(of: script) { try run(line.words, line: line.number) }
        commitIfChanged()
    }

    /// Runs one command line; `words` as typed (after shell-like splitting).
    public mutating func run(_ words: [String], line: Int = 0) throws(CrmError) {
        guard let first = words.first else { return }
        let rest = Array(words.dropFirst())
        switch first {
        case "commit":
            commitIfChanged()
            return
        case "end", "up", "back", "..":
            guard !level.isEmpty else { throw CrmError(.usage, "'\(first)' at the top level", line: line) }
            commitIfChanged()
            level.removeLast()
            return
        case "cd":
            if rest == [".."] || rest.isEmpty { if !level.isEmpty { commitIfChanged(); level.removeLast() }; return }
            guard rest.count == 1, ["configure", "node"].contains(rest[0]) else {
                throw CrmError(.usage, "unknown level '\(rest.joined(separator: " "))'", line: line)
            }
            level = [rest[0]]
            return
        case "quit", "exit", "bye":
            commitIfChanged()
            level.removeAll()
            return
        default: break
        }
        switch level.last {
        case nil:
            switch first {
            case "configure":
                if rest.isEmpty { level.append("configure") } else { try configure(rest, line: line); commitIfChanged() }
            case "node":
                if rest.isEmpty { level.append("node") } else { try node(rest, line: line); commitIfChanged() }
            default:
                throw CrmError(.usage, "at '\(first)': unknown command; expected configure, node, commit or end", line: line)
            }
        case "configure":
            try configure(words, line: line)
        default:
            try node(words, line: line)
        }
    }

    mutating func configure(_ words: [String], line: Int) throws(CrmError) {
        if words.first == "node", let second = words.dropFirst().first, second == "standby" || second == "online" {
            try node(Array(words.dropFirst()), line: line)
            return
        }
        let command = try CrmParser.parse(words, line: line)
        switch command {
        case .show(let xml, let ids):
            if xml {
                outputs.append(.show(try CrmShowXML.render(editor.cib, ids: ids, line: line)))
            } else {
                let configuration = editor.cib.firstElement(named: "configuration")
                for id in ids where configuration?.path(toID: id) == nil
                    && !(id == "fencing_topology" && configuration?.firstElement(named: "fencing-topology") != nil) {
                    throw CrmError(.noSuchObject, "object \(id) does not exist", line: line)
                }
                outputs.append(.show(CrmShow.render(editor.cib, ids: ids)))
            }
        case .verify:
            outputs.append(.verify(editor.cib))
        default:
            let before = editor.messages.count
            try editor.apply(command, line: line)
            for message in editor.messages[before...] { outputs.append(.message(message)) }
            if let agents, let (what, definition) = Self.agentDefinition(command), definition.template == nil,
               let warning = CrmVerify.missingAgent(what, definition.id, definition.resourceClass, definition.provider,
                                                    definition.type, host: agents) {
                outputs.append(.message("WARNING: " + warning))
            }
        }
    }

    static func agentDefinition(_ command: CrmCommand) -> (String, PrimitiveDefinition)? {
        switch command {
        case .primitive(let definition): return ("primitive", definition)
        case .template(let definition): return ("rsc_template", definition)
        default: return nil
        }
    }

    /// `node standby NAME` / `node online NAME`.
    mutating func node(_ words: [String], line: Int) throws(CrmError) {
        guard words.count == 2, words[0] == "standby" || words[0] == "online" else {
            throw CrmError(.usage, "in 'node \(words.joined(separator: " "))': expected 'standby NODE' or 'online NODE'", line: line)
        }
        let before = editor.messages.count
        try editor.apply(.nodeStandby(node: words[1], on: words[0] == "standby"), line: line)
        for message in editor.messages[before...] { outputs.append(.message(message)) }
    }

    mutating func commitIfChanged() {
        if CIBVersion.classify(before: committed, after: editor.cib) != .none {
            commits += 1
            committed = editor.cib
        }
    }
}

/// `show xml`: the configuration as crmsh prints it (a `<cib>` without `<status>`).
public enum CrmShowXML {
    public static func render(_ cib: XMLElement, ids: [String], line: Int = 0) throws(CrmError) -> String {
        var copy = cib
        copy.removeElements { $0.name == "status" }
        if ids.isEmpty { return copy.serialized() }
        guard let configuration = copy.firstElement(named: "configuration") else { return copy.serialized() }
        var parts: [String] = []
        for id in ids {
            guard let path = configuration.path(toID: id), let element = configuration.element(at: path) else {
                throw CrmError(.noSuchObject, "object \(id) does not exist", line: line)
            }
            parts.append(element.serialized())
        }
        return parts.joined()
    }
}
