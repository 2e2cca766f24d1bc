// SPDX-License-Identifier: GPL-2.0-or-later
import ArgumentParser
import PacerCIB
import PacerCrmSyntax
import PacerModel
import PacerWire
#if canImport(Glibc)
import Glibc
#endif

/// `pacer node clearstate NODE`: crmsh 4.4.1's `crm node clearstate`, which decides by the
/// node's `node_state` as crmsh does:
/// - online (`crmd=online`): its failures are cleaned up, as `crm_resource --cleanup --node NODE`
///   (fail counts and the history of each resource with a failed operation there);
/// - offline by its controller but still a member (`in_ccm=true`): refused, as crmsh refuses;
/// - down: its state is cleared as a confirmed fencing leaves it (`stonith_admin --confirm`,
///   ``StatusRecorder/confirmDown(_:)``), so the scheduler stops asking to fence it and recovers
///   its resources. This is how an operator who knows the node is off says so.
struct NodeClearState: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clearstate",
        abstract: "Clear a node's state: take a node that is down as cleanly down (as a confirmed fencing), or clean up an online node's failures.",
        discussion: """
        For a node that is down, only run this when you know it is off (powered down, or fenced by hand): \
        its resources are then started elsewhere.
        """)

    @OptionGroup var cib: CIBOptions
    @Argument(help: "The node.") var node: String
    @Flag(name: [.customShort("f"), .customLong("force")], help: "Do not ask for confirmation (needed when not on a terminal).")
    var force = false

    func run() {
        let target = cib.resolve()
        let root = ResourceCommand.load(cib)
        do { try ResourceEdits.requireNode(node, in: root) } catch { fail(error.description, code: error.exitCode) }
        if !force { confirm() }
        let state = root.firstElement(named: "status")?.elements(named: "node_state").first { $0["uname"] == node }
        if state?["crmd"] == "online" {
            let failed = Self.failedResources(on: node, in: root)
            for resource in failed { ResourceCommand.Cleanup.forget(resource, in: root, node: node, cib: cib) }
            print(failed.isEmpty ? "Node \(node) is online: no failures to clean up"
                                 : "Node \(node) is online: cleaned up \(failed.joined(separator: ", "))")
            return
        }
        if state?["in_ccm"] == "true" {
            fail("node '\(node)' is offline according to its controller but still a cluster member: shut it down first", code: 1)
        }
        switch target {
        case .file(let file):
            do {
                try file.update { (cib: inout XMLElement) in
                    var recorder = StatusRecorder(cib: cib)
                    recorder.confirmDown(node)
                    cib = recorder.cib
                }
            } catch { fail("\(error)", code: 1) }
        case .daemon(let name):
            do { try CIBTarget.edit(name, .clearState(node: node), refused: "clearstate refused") } catch {
                fail(error.description, code: error.code)
            }
        }
        print("Node \(node) is taken as cleanly down (as after a confirmed fencing): its history is cleared and its resources may be recovered elsewhere")
    }

    /// crmsh's `ask()`: on a terminal a y/n question; elsewhere no answer is a refusal, which
    /// here says how to proceed.
    func confirm() {
        guard isatty(0) != 0, isatty(1) != 0 else {
            fail("clearstate drops the state of node '\(node)': confirm with --force (as crm --force node clearstate)", code: 1)
        }
        while true {
            print("Do you really want to drop state for node \(node) (y/n)? ", terminator: "")
            fflush(nil)   // all output streams: the question before the answer
            guard let answer = readLine() else { fail("clearstate of node '\(node)' not confirmed", code: 1) }
            switch answer.lowercased().first {
            case "y": return
            case "n": fail("clearstate of node '\(node)' not confirmed", code: 1)
            default: continue
            }
        }
    }

    /// The resources `crm_resource --cleanup --node NODE` cleans up: those with a fail count
    /// on the node or an operation there whose result was not the expected one.
    static func failedResources(on node: String, in cib: XMLElement) -> [String] {
        guard let state = cib.firstElement(named: "status")?.elements(named: "node_state").first(where: { $0["uname"] == node }) else { return [] }
        var found: [String] = []
        func note(_ resource: String) { if !found.contains(resource) { found.append(resource) } }
        state.firstElement(named: "transient_attributes")?.forEachElement { element in
            guard element.name == "nvpair", let name = element["name"], name.hasPrefix("fail-count-") else { return }
            note(String(name.dropFirst("fail-count-".count).prefix { $0 != "#" }))
        }
        state.firstElement(named: "lrm")?.forEachElement { element in
            guard element.name == "lrm_resource", let id = element["id"] else { return }
            for op in element.elements(named: "lrm_rsc_op") {
                // transition-key: action:transition:expected-rc:uuid
                let expected = (op["transition-key"] ?? "").split(separator: ":").dropFirst(2).first.map(String.init) ?? "0"
                let status = op["op-status"] ?? "0"
                if status == "-1" { continue }      // pending
                if status != "0" || (op["rc-code"] ?? "0") != expected { note(id) }
            }
        }
        return found
    }
}
