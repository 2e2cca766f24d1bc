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

    /// The CIB (file or daemon), or a `pacer: …` exit.
    static func load(_ cib: CIBOptions) -> XMLElement {
        exitOnFailure { try cib.resolve().load() }
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

    /// The resource a command works on, and the CIB it is in (`pacer why` takes it too).
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
        @OptionGroup var attribute: AttributeVerbArguments

        func run(_ kind: ResourceEdits.AttributeKind) {
            let name = attribute.name
            attribute.run(cib: cib) {
                print(try ResourceEdits.attribute(ResourceCommand.load(cib), kind, resource: resource, name: name))
            } delete: { (root: inout XMLElement) throws(CrmError) in
                try ResourceEdits.deleteAttribute(&root, kind, resource: resource, name: name)
            } set: { (root: inout XMLElement) throws(CrmError) in
                try ResourceEdits.setAttribute(&root, kind, resource: resource, name: name, value: attribute.value ?? "")
            }
        }
    }

    struct Param: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set, delete or show a resource's parameter (a running resource is reloaded or restarted, as Pacemaker decides from its digests and its agent's meta-data).")
        @OptionGroup var arguments: AttributeArguments
        func run() { arguments.run(.parameter) }
    }

    struct Meta: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set, delete or show a resource's meta attribute.")
        @OptionGroup var arguments: AttributeArguments
        func run() { arguments.run(.meta) }
    }
}
