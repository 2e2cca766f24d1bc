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

/// Where a resource runs: moves, bans and their constraints, and where it is now.
extension ResourceCommand {
    /// A move or a ban: a resource, a node, and how long the constraint lasts. Without a node
    /// (or with only a lifetime where the node goes, as crmsh reads it) both ban the resource
    /// from where it runs, as crm_resource --move and --ban do.
    protocol PlacementCommand: ParsableCommand {
        var target: Target { get }
        var node: String? { get }
        var duration: LifetimeArguments { get }
        /// Makes the constraint for a named node.
        func place(on node: String, until end: String?)
    }

    struct Move: PlacementCommand {
        static let configuration = CommandConfiguration(abstract: "Move a resource to a node (a cli-prefer constraint, until cleared).")
        @OptionGroup var target: Target
        @Argument(help: "The node to move it to; without one, away from where it runs (a ban there, as crm_resource --move).") var node: String?
        @OptionGroup var duration: LifetimeArguments

        func place(on node: String, until end: String?) {
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
            let summary = Scheduler.schedule(SchedulerInput(cib: after, now: Int(time(nil)), resolveOperations: false)).summary
            let current = ResourceCommand.locations(of: target.resource, in: after)
            if !current.isEmpty && !summary.contains(where: { $0.contains("-> \(node) )") || $0.contains("( \(node) )") }) {
                printError("pacer: warning: \(target.resource) stays on \(current.joined(separator: ", ")): its stickiness there "
                           + "ties the move's INFINITY preference for \(node) (see 'pacer why \(target.resource)'); "
                           + "'pacer resource ban \(target.resource) \(current[0])' forces it off, 'pacer resource clear \(target.resource)' undoes both")
            }
        }
    }

    struct Ban: PlacementCommand {
        static let configuration = CommandConfiguration(abstract: "Keep a resource off a node (a cli-ban constraint, until cleared).")
        @OptionGroup var target: Target
        @Argument(help: "The node; by default where it runs now.") var node: String?
        @OptionGroup var duration: LifetimeArguments

        func place(on node: String, until end: String?) { Self.ban(target, node: node, until: end) }

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
}

extension ResourceCommand.PlacementCommand {
    /// Resolves the node and the lifetime, then places the resource, or bans it from where it runs.
    func run() {
        let (node, end) = duration.resolve(node: node, cib: target.cib)
        guard let node else { return ResourceCommand.Ban.banWhereRunning(target, until: end) }
        place(on: node, until: end)
    }
}
