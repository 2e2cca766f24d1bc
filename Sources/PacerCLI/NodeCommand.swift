// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerCIB
import PacerCrmSyntax
import PacerModel

/// `pacer node standby|online NAME`.
struct NodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Put a node in standby or bring it back online.",
        subcommands: [Standby.self, Online.self, Maintenance.self, Ready.self])

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
        func run() {
            ResourceCommand.edit(cib) { (root: inout XMLElement) throws(CrmError) in try ResourceEdits.setNodeAttribute(&root, node: node, name: "maintenance", value: "true") }
        }
    }

    struct Ready: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a node out of maintenance.")
        @OptionGroup var cib: CIBOptions
        @Argument(help: "The node's name.") var node: String
        func run() {
            ResourceCommand.edit(cib) { (root: inout XMLElement) throws(CrmError) in try ResourceEdits.setNodeAttribute(&root, node: node, name: "maintenance", value: "off") }
        }
    }

    static func set(node: String, standby: Bool, cib: CIBOptions) throws {
        let file = cib.resolve()
        var messages: [String] = []
        do {
            try file.update { (root: inout XMLElement) throws(CrmError) in
                var editor = CIBEditor(cib: root)
                try editor.apply(.nodeStandby(node: node, on: standby))
                root = editor.cib
                messages = editor.messages
            }
        } catch let error as CIBError {
            fail(error.description, code: error.exitCode)
        } catch let error as CLIFailure {
            fail(error.description, code: error.code)
        } catch let error as CrmError {
            fail(error.description, code: error.exitCode)
        }
        for message in messages { printError(message) }
    }
}
