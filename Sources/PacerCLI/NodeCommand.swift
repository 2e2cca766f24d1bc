// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerCIB
import PacerCrmSyntax
import PacerModel
import PacerWire
#if canImport(Glibc)
import Glibc
#endif

/// `pacer node standby|online NAME`.
struct NodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Standby, maintenance, attributes and utilization of nodes.",
        subcommands: [Standby.self, Online.self, Maintenance.self, Ready.self, Attribute.self, Utilization.self, NodeClearState.self])

    enum Lifetime: String, ExpressibleByArgument, CaseIterable {
        /// In the configuration (`<nodes>`), kept across restarts.
        case forever
        /// In the status section: gone when the node leaves (crm_attribute -l reboot).
        case reboot
    }

    /// `node attribute|utilization NODE set|delete|show NAME [VALUE]` (crmsh; crm_attribute underneath).
    struct AttributeArguments: ParsableArguments {
        @OptionGroup var cib: CIBOptions
        @Argument(help: "The node's name.") var node: String
        @OptionGroup var attribute: AttributeVerbArguments
        @Flag(name: [.customShort("q"), .customLong("quiet")], help: "show: print the value only.") var quiet = false

        func run(_ set: ResourceEdits.NodeSet, lifetime: Lifetime) {
            let target = cib.resolve()
            if lifetime == .reboot { return transient(target) }
            let name = attribute.name
            attribute.run(cib: cib) {
                guard let found = try ResourceEdits.nodeAttribute(ResourceCommand.load(cib), set, node: node, name: name) else {
                    fail("attribute '\(name)' not found for node \(node)", code: 105)
                }
                print(quiet ? found : "scope=nodes  name=\(name) value=\(found)")
            } delete: { (root: inout XMLElement) throws(CrmError) in
                try ResourceEdits.deleteNodeAttribute(&root, set, node: node, name: name)
            } set: { (root: inout XMLElement) throws(CrmError) in
                try ResourceEdits.setNodeAttribute(&root, set, node: node, name: name, value: attribute.value ?? "")
            }
        }

        /// Transient attributes live in the status section: the daemon records them (they
        /// vanish when the node leaves); offline, the file's status section is edited.
        func transient(_ target: CIBTarget) {
            let cib = ResourceCommand.load(self.cib)
            do { try ResourceEdits.requireNode(node, in: cib) } catch { fail(error.description, code: error.exitCode) }
            let name = attribute.name
            if attribute.verb == "show" {
                guard let found = StatusRecorder(cib: cib).transientAttribute(node, name: name) else {
                    fail("attribute '\(name)' not found for node \(node) (lifetime reboot)", code: 105)
                }
                print(quiet ? found : "scope=status  name=\(name) value=\(found)")
                return
            }
            let newValue = attribute.verb == "set" ? attribute.value : nil
            switch target {
            case .file(let file):
                do {
                    try file.update { (root: inout XMLElement) in
                        var recorder = StatusRecorder(cib: root)
                        recorder.setTransientAttribute(node, name: name, value: newValue)
                        root = recorder.cib
                    }
                } catch let error as CIBError { fail(error.description, code: error.exitCode) } catch { fail("\(error)", code: 1) }
            case .daemon(let ipc):
                do {
                    try CIBTarget.edit(ipc, .attribute(node: node, name: name, value: newValue), refused: "the daemon refused the change")
                } catch { fail(error.description, code: error.code) }
            }
        }
    }

    struct Attribute: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set, delete or show a node attribute (crm node attribute; crm_attribute).",
            discussion: "--lifetime reboot keeps it in the status section: it vanishes when the node leaves the cluster.")
        @OptionGroup var arguments: AttributeArguments
        @Option(name: [.customShort("l"), .customLong("lifetime")], help: "forever (the default) or reboot.") var lifetime: Lifetime = .forever
        func run() { arguments.run(.attributes, lifetime: lifetime) }
    }

    struct Utilization: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set, delete or show a node's utilization (crm node utilization; crm_attribute -z).")
        @OptionGroup var arguments: AttributeArguments
        func run() { arguments.run(.utilization, lifetime: .forever) }
    }

    struct Standby: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a node in standby: its resources move away.")
        @OptionGroup var cib: CIBOptions
        @Argument(help: "The node's name.") var node: String
        func run() throws { try NodeCommand.set(node: node, standby: true, cib: cib) }
    }

    struct Online: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a node out of standby.")
        @OptionGroup var cib: CIBOptions
        @Argument(help: "The node's name.") var node: String
        func run() throws { try NodeCommand.set(node: node, standby: false, cib: cib) }
    }

    struct Maintenance: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a node in maintenance: its resources are left alone and not monitored.")
        @OptionGroup var cib: CIBOptions
        @Argument(help: "The node's name.") var node: String
        func run() { NodeCommand.set(node: node, maintenance: true, cib: cib) }
    }

    struct Ready: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a node out of maintenance.")
        @OptionGroup var cib: CIBOptions
        @Argument(help: "The node's name.") var node: String
        func run() { NodeCommand.set(node: node, maintenance: false, cib: cib) }
    }

    /// The node's `maintenance` attribute: `true`, or `off` when it is taken out (as crmsh's
    /// `node ready` writes it).
    static func set(node: String, maintenance: Bool, cib: CIBOptions) {
        ResourceCommand.edit(cib) { (root: inout XMLElement) throws(CrmError) in
            try ResourceEdits.setNodeAttribute(&root, node: node, name: "maintenance", value: maintenance ? "true" : "off")
        }
    }

    static func set(node: String, standby: Bool, cib: CIBOptions) throws {
        let file = cib.resolve()
        var messages: [String] = []
        exitOnFailure {
            try file.update { (root: inout XMLElement) throws(CrmError) in
                var editor = CIBEditor(cib: root)
                try editor.apply(.nodeStandby(node: node, on: standby))
                root = editor.cib
                messages = editor.messages
            }
        }
        for message in messages { printError(message) }
    }
}
