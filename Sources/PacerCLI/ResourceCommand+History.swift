// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerCIB
import PacerCrmSyntax
import PacerModel
import PacerScheduler
import PacerWire

/// A resource's operation history and fail counts: forgetting them, showing them.
extension ResourceCommand {
    struct Cleanup: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget a resource's failures and history so it is probed again.")
        @OptionGroup var target: Target
        @Argument(help: "Only on this node.") var node: String?

        func run() {
            let target = self.target
            let cib = ResourceCommand.load(target.cib)
            var members: [String] = [target.resource]
            if let configuration = cib.firstElement(named: "configuration"),
               let path = configuration.path(toID: target.resource), let element = configuration.element(at: path) {
                if element.name == "group" { members = element.elements(named: "primitive").map(\.id) }
            } else {
                fail("resource '\(target.resource)' not found", code: 105)
            }
            for member in members { Self.forget(member, in: cib, node: node, cib: target.cib) }
            print("Cleaned up \(members.joined(separator: ", "))" + (node.map { " on \($0)" } ?? ""))
        }

        /// Forgets `resource`'s failures and history (on `node`, or everywhere): in the file's
        /// status section, or by the DC of the running cluster.
        static func forget(_ resource: String, in root: XMLElement, node: String?, cib options: CIBOptions) {
            switch options.resolve() {
            case .file(let file):
                do {
                    try file.update { (root: inout XMLElement) in
                        var recorder = StatusRecorder(cib: root)
                        let nodes = node.map { [$0] } ?? (root.firstElement(named: "status")?.elements(named: "node_state").compactMap { $0["uname"] } ?? [])
                        for name in nodes { recorder.cleanup(resource: resource, node: name) }
                        root = recorder.cib
                    }
                } catch { fail("\(error)", code: 1) }
            case .daemon(let name):
                do {
                    try CIBTarget.edit(name, .cleanup(resource: resource, node: node), refused: "cleanup refused")
                } catch { fail(error.description, code: error.code) }
            }
        }
    }

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget the history of a resource (or of all) so the cluster probes it again (crm_resource --refresh).")
        @OptionGroup var cib: CIBOptions
        @Argument(help: "The resource; all resources when omitted.") var resource: String?
        @Option(name: [.customShort("N"), .customLong("node")], help: "Only on this node.") var node: String?

        func run() {
            let root = ResourceCommand.load(cib)
            var targets: [String]
            if let resource {
                targets = [resource]
                do { try ResourceEdits.requireResource(resource, in: root) } catch { fail(error.description, code: error.exitCode) }
            } else {
                // Every resource with a history, configured or not (an orphan's history goes too).
                var seen = Set<String>()
                targets = []
                root.firstElement(named: "status")?.forEachElement { element in
                    if element.name == "lrm_resource", let id = element["id"], seen.insert(id).inserted { targets.append(id) }
                }
            }
            if let node {
                do { try ResourceEdits.requireNode(node, in: root) } catch { fail(error.description, code: error.exitCode) }
            }
            for target in targets { Cleanup.forget(target, in: root, node: node, cib: cib) }
            print(targets.isEmpty ? "Nothing to refresh" : "Refreshed \(targets.joined(separator: ", "))" + (node.map { " on \($0)" } ?? ""))
        }
    }

    struct Failcount: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a resource's fail count per node.")
        @OptionGroup var target: Target

        func run() {
            let cib = ResourceCommand.load(target.cib)
            guard cib.firstElement(named: "configuration")?.path(toID: target.resource) != nil else {
                fail("resource '\(target.resource)' not found", code: 105)
            }
            var members = [target.resource]
            if let configuration = cib.firstElement(named: "configuration"), let path = configuration.path(toID: target.resource),
               let element = configuration.element(at: path), element.name == "group" {
                members = element.elements(named: "primitive").map(\.id)
            }
            for member in members {
                let counts = ResourceEdits.failCounts(in: cib, resource: member)
                if counts.isEmpty { print("scope=status  name=fail-count-\(member) value=0") }
                for entry in counts { print("scope=status  node=\(entry.node)  name=fail-count-\(member) value=\(entry.value)") }
            }
        }
    }
}
