// SPDX-License-Identifier: GPL-2.0-or-later
public import ArgumentParser
import PacerCIB
import PacerCrmSyntax
import PacerModel
import PacerScheduler
import PacerWire
#if canImport(Glibc)
import Glibc
#endif

/// `pacer resource …`: operator actions on resources, as `crm resource`.
struct ResourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resource",
        abstract: "Start, stop, move, ban and clean up resources.",
        subcommands: [Start.self, Stop.self, Restart.self, Manage.self, Unmanage.self, Move.self, Ban.self, Clear.self,
                      Cleanup.self, Refresh.self, Reload.self, Failcount.self, Param.self, Meta.self, Locate.self, Maintenance.self])

    /// Runs an edit of the CIB (file or daemon), turning errors into `pacer: …` exits.
    static func edit(_ cib: CIBOptions, _ body: (inout XMLElement) throws(CrmError) -> Void) {
        exitOnFailure { try cib.resolve().update(body) }
    }

    static func load(_ cib: CIBOptions) -> XMLElement {
        do { return try cib.resolve().load() } catch let error as CIBError {
            fail(error.description, code: error.exitCode)
        } catch let error as CLIFailure {
            fail(error.description, code: error.code)
        } catch { fail("\(error)", code: 1) }
    }

    /// The nodes `resource` runs on now.
    static func locations(of resource: String, in cib: XMLElement) -> [String] {
        func find(_ states: [ClusterStatus.ResourceState]) -> [String]? {
            for state in states {
                if state.id == resource { return state.nodes.isEmpty ? Array(Set(state.members.flatMap(\.nodes))).sorted() : state.nodes }
                if let found = find(state.members) { return found }
            }
            return nil
        }
        return find(Scheduler.status(SchedulerInput(cib: cib, now: 0)).resources) ?? []
    }

    struct Target: ParsableArguments {
        @OptionGroup var cib: CIBOptions
        @Argument(help: "The resource (a primitive or a group).") var resource: String

        /// Sets one meta attribute of the resource (what start/stop/manage/unmanage are).
        func setMeta(_ name: String, _ value: String) {
            ResourceCommand.edit(cib) { (root: inout XMLElement) throws(CrmError) in
                try ResourceEdits.setMeta(&root, resource: resource, name: name, value: value)
            }
        }
    }

    /// `resource param|meta RSC set|delete|show NAME [VALUE]` (crmsh; crm_resource underneath).
    struct AttributeArguments: ParsableArguments {
        @OptionGroup var cib: CIBOptions
        @Argument(help: "The resource.") var resource: String
        @Argument(help: "set, delete or show.") var verb: String
        @Argument(help: "The attribute's name.") var name: String
        @Argument(help: "The value (for set).") var value: String?

        func validate() throws { try validateAttributeVerb(verb, name: name, value: value) }

        func run(_ kind: ResourceEdits.AttributeKind) {
            switch verb {
            case "show":
                do { print(try ResourceEdits.attribute(ResourceCommand.load(cib), kind, resource: resource, name: name)) } catch {
                    fail(error.description, code: error.exitCode)
                }
            case "delete":
                ResourceCommand.edit(cib) { (root: inout XMLElement) throws(CrmError) in
                    try ResourceEdits.deleteAttribute(&root, kind, resource: resource, name: name)
                }
            default:
                ResourceCommand.edit(cib) { (root: inout XMLElement) throws(CrmError) in
                    try ResourceEdits.setAttribute(&root, kind, resource: resource, name: name, value: value ?? "")
                }
            }
        }
    }

    struct Param: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set, delete or show a resource's parameter (a running resource restarts, as Pacemaker decides from its digests).")
        @OptionGroup var arguments: AttributeArguments
        func run() { arguments.run(.parameter) }
    }

    struct Meta: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set, delete or show a resource's meta attribute.")
        @OptionGroup var arguments: AttributeArguments
        func run() { arguments.run(.meta) }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let the cluster start a resource (target-role=Started).")
        @OptionGroup var target: Target
        func run() { target.setMeta("target-role", "Started") }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a resource and keep it stopped (target-role=Stopped).")
        @OptionGroup var target: Target
        func run() { target.setMeta("target-role", "Stopped") }
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a resource, wait until it is stopped, and start it again (needs pacerd).")
        @OptionGroup var target: Target
        @Option(help: "Seconds to wait for the stop.") var timeout: Double = 60

        func run() {
            guard case .daemon = target.cib.resolve() else {
                fail("restart needs a running cluster (a CIB file has no one to stop the resource)", code: 64)
            }
            target.setMeta("target-role", "Stopped")
            let deadline = Double(time(nil)) + timeout
            while !ResourceCommand.locations(of: target.resource, in: ResourceCommand.load(target.cib)).isEmpty {
                guard Double(time(nil)) < deadline else {
                    fail("\(target.resource) did not stop within \(Int(timeout)) s; it stays target-role=Stopped (pacer resource start \(target.resource))", code: 1)
                }
                usleep(200_000)
            }
            target.setMeta("target-role", "Started")
        }
    }

    struct Manage: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let the cluster manage a resource again (is-managed=true).")
        @OptionGroup var target: Target
        func run() { target.setMeta("is-managed", "true") }
    }

    struct Unmanage: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Leave a resource alone: monitor it, never start or stop it (is-managed=false).")
        @OptionGroup var target: Target
        func run() { target.setMeta("is-managed", "false") }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a resource to a node (a cli-prefer constraint, until cleared).")
        @OptionGroup var target: Target
        @Argument(help: "The node to move it to; without one, away from where it runs (a ban there, as crm_resource --move).") var node: String?
        @Argument(help: "The lifetime as crmsh takes it (move RSC NODE PT1H): same as --lifetime.") var crmLifetime: String?
        @Option(help: "How long the constraint applies: an ISO 8601 duration (PT1H, P1D, P1W, P1M2DT3H).") var lifetime: String?

        func run() {
            let (node, lifetime) = ResourceLifetime.words(node: node, positional: crmLifetime, option: lifetime, cib: target.cib)
            let end = ResourceLifetime.end(lifetime)
            guard let node else { return Ban.banWhereRunning(target, until: end) }
            let cib = ResourceCommand.load(target.cib)
            if ResourceCommand.locations(of: target.resource, in: cib) == [node] {
                fail("\(target.resource) already runs on \(node)", code: 1)
            }
            ResourceCommand.edit(target.cib) { (cib: inout XMLElement) throws(CrmError) in
                try ResourceEdits.move(&cib, resource: target.resource, node: node, until: end)
            }
            print("Move constraint created for \(target.resource) to \(node)" + (end.map { " until \($0)" } ?? ""))
            print(end == nil ? "Use 'pacer resource clear \(target.resource)' to remove it (it keeps \(target.resource) on \(node) until then)"
                             : ResourceLifetime.clearHint(target.resource, until: end))
            // As with crm_resource, the preference is INFINITY: a resource sticky at INFINITY
            // where it runs ties with it and stays. Say so, rather than let the move look done.
            let after = ResourceCommand.load(target.cib)
            let summary = Scheduler.schedule(SchedulerInput(cib: after, now: Int(time(nil)))).summary
            let current = ResourceCommand.locations(of: target.resource, in: after)
            if !current.isEmpty && !summary.contains(where: { $0.contains("-> \(node) )") || $0.contains("( \(node) )") }) {
                printError("pacer: warning: \(target.resource) stays on \(current.joined(separator: ", ")): its stickiness there "
                           + "ties the move's INFINITY preference for \(node) (see 'pacer why \(target.resource)'); "
                           + "'pacer resource ban \(target.resource) \(current[0])' forces it off, 'pacer resource clear \(target.resource)' undoes both")
            }
        }
    }

    struct Ban: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Keep a resource off a node (a cli-ban constraint, until cleared).")
        @OptionGroup var target: Target
        @Argument(help: "The node; by default where it runs now.") var node: String?
        @Argument(help: "The lifetime as crmsh takes it (ban RSC NODE PT1H): same as --lifetime.") var crmLifetime: String?
        @Option(help: "How long the constraint applies: an ISO 8601 duration (PT1H, P1D, P1W, P1M2DT3H).") var lifetime: String?

        func run() {
            let (node, lifetime) = ResourceLifetime.words(node: node, positional: crmLifetime, option: lifetime, cib: target.cib)
            let end = ResourceLifetime.end(lifetime)
            guard let node else { return Self.banWhereRunning(target, until: end) }
            Self.ban(target, node: node, until: end)
        }

        static func banWhereRunning(_ target: Target, until end: String?) {
            let running = ResourceCommand.locations(of: target.resource, in: ResourceCommand.load(target.cib))
            guard running.count == 1 else { fail("\(target.resource) is not running on exactly one node; name the node to ban it from", code: 64) }
            ban(target, node: running[0], until: end)
        }

        static func ban(_ target: Target, node banned: String, until end: String?) {
            ResourceCommand.edit(target.cib) { (cib: inout XMLElement) throws(CrmError) in
                try ResourceEdits.ban(&cib, resource: target.resource, node: banned, until: end)
            }
            print("Ban constraint cli-ban-\(target.resource)-on-\(banned) created: \(target.resource) will not run on \(banned)"
                  + (end.map { " until \($0)" } ?? ", even if it is the last node"))
            print(ResourceLifetime.clearHint(target.resource, until: end))
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a resource's move and ban constraints.")
        @OptionGroup var target: Target

        func run() {
            var removed: [String] = []
            ResourceCommand.edit(target.cib) { (cib: inout XMLElement) throws(CrmError) in removed = try ResourceEdits.clear(&cib, resource: target.resource) }
            print(removed.isEmpty ? "No move or ban constraints for \(target.resource)" : "Removed \(removed.joined(separator: ", "))")
        }
    }

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

    struct Locate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show where a resource runs (crm_resource --locate).")
        @OptionGroup var target: Target
        @Flag(name: [.customShort("Q"), .customLong("quiet")], help: "Print only the node names.") var quiet = false
        func run() {
            let root = ResourceCommand.load(target.cib)
            do { try ResourceEdits.requireResource(target.resource, in: root) } catch { fail(error.description, code: error.exitCode) }
            let nodes = ResourceCommand.locations(of: target.resource, in: root)
            if quiet {
                for node in nodes { print(node) }
            } else if nodes.isEmpty {
                printError("resource \(target.resource) is NOT running")
            } else {
                print("resource \(target.resource) is running on: \(nodes.joined(separator: " "))")
            }
        }
    }

    struct Reload: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reload a resource that runs on this node: its agent's reload action, run by pacerd between its monitors.",
            discussion: """
            The agent reloads with the parameters the resource was started with (HAProxy, for one, re-reads its \
            configuration without losing a connection). Works on the running cluster only. Exit status: 0 reloaded, \
            7 not running on this node (pacer resource locate RSC tells where), 1 the agent failed.
            """)
        @OptionGroup var target: Target
        func run() {
            guard case .daemon(let ipc) = target.cib.resolve() else { fail("reload runs the agent on the live cluster; it has no meaning for a CIB file", code: 64) }
            do {
                switch try CIBTarget.request(ipc, .reload(resource: target.resource)) {
                case .ok(let text): print(text)
                case .notRunning(let text): fail(text, code: 7)
                case .error(let text), .conflict(let text): fail(text, code: 1)
                case .cib, .status: fail("unexpected reply from pacerd", code: 1)
                }
            } catch { fail(error.description, code: error.code) }
        }
    }

    struct Maintenance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a resource in maintenance (left alone and not monitored: meta maintenance=true) or take it out.")
        @OptionGroup var target: Target
        @Argument(help: "on or off (on when omitted).") var state: String = "on"
        func validate() throws {
            guard ["on", "off", "true", "false"].contains(state) else { throw ValidationError("expected on or off, not '\(state)'") }
        }
        func run() { target.setMeta("maintenance", ["on", "true"].contains(state) ? "true" : "false") }
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
