// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Questions the sections ask of the unpacked state.
extension MonState {
    /// `native_active()` / `group_active()`: running on a node that is online, unclean,
    /// or offline while the resource is unmanaged.
    func isActive(_ rsc: MonResource, all: Bool) -> Bool {
        if rsc.isGroup {
            if rsc.members.isEmpty { return false }
            let flags = rsc.members.map { isActive($0, all: all) }
            return all ? flags.allSatisfy { $0 } : flags.contains(true)
        }
        for name in rsc.nodes {
            guard let node = node(named: name) else { continue }
            if node.unclean { return true }
            if !node.online && rsc.managed { continue }
            return true
        }
        return false
    }

    /// `pe__count_common()`: resource instances, disabled and blocked ones.
    var counts: (instances: Int, disabled: Int, blocked: Int) {
        var instances = 0, disabled = 0, blocked = 0
        func count(_ r: MonResource) {
            if r.isGroup && !r.members.isEmpty {
                r.members.forEach(count)
                return
            }
            guard !r.orphan || !["Stopped", "Unknown"].contains(r.role) else { return }
            instances += 1
            if r.disabled { disabled += 1 }
            if r.blocked { blocked += 1 }
        }
        resources.forEach(count)
        return (instances, disabled, blocked)
    }

    /// `is_mixed_version()`: online nodes report different feature sets.
    static func mixedVersion(_ nodes: [MonNode]) -> Bool {
        let sets = nodes.compactMap(\.featureSet)
        return sets.contains { $0 != sets.first }
    }

    /// Attribute names crm_mon shows for a node, sorted as `strcmp` sorts them: none
    /// starting with `fail-count`, `last-failure`, `shutdown`, `terminate`, `standby` or `#`.
    static func displayedAttributeNames(_ node: MonNode) -> [String] {
        let hidden = ["fail-count", "last-failure", "shutdown", "terminate", "standby", "#"]
        return node.attributes.keys.filter { name in !hidden.contains { name.hasPrefix($0) } }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// `add_extra_info()`: the score a ping resource on this node would set for
    /// `attribute` (hosts × multiplier), or nil when no ping resource sets it.
    func pingExpectation(node: MonNode, attribute: String) -> Int? {
        for id in node.runningResources {
            guard let rsc = historyResource(id) else { continue }
            guard let type = rsc.meta["type"]?.lowercased(), type == "ping" || type == "pingd" else { continue }
            let name = rsc.parameters["name"] ?? "pingd"
            guard name.lowercased() == attribute.lowercased() else { continue }
            var hosts = 0
            if let list = rsc.parameters["host_list"], !list.isEmpty {
                hosts = list.split(separator: " ", omittingEmptySubsequences: false).count
            }
            let multiplier = rsc.parameters["multiplier"].flatMap { leadingInteger($0) } ?? 1
            return hosts * multiplier
        }
        return nil
    }
}
