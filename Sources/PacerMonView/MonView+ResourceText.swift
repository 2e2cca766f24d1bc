// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import PacerScheduler

/// Resource lines of the text output: `pe__group_default()` (lib/pengine/group.c) and
/// `pcmk__native_output_string()` (lib/pengine/native.c) with crm_mon's options.
extension TextWriter {
    /// `pe__group_default()`.
    mutating func printGroup(_ group: MonResource) -> Bool {
        let active = isActive(group, all: true), partiallyActive = isActive(group, all: false)
        let inactiveMembers = !active && partiallyActive ? group.members.filter { !isActive($0, all: true) }.count : 0
        var printedHeader = false
        for member in group.members {
            if !isActive(member, all: false) && !options.inactive { continue }
            if !printedHeader {
                var flags: [String] = []
                if inactiveMembers > 0 && !options.inactive {
                    flags.append("\(inactiveMembers) member\(inactiveMembers == 1 ? "" : "s") inactive")
                }
                if !group.managed { flags.append("unmanaged") }
                if group.disabled { flags.append("disabled") }
                out.beginList("Resource Group: \(group.id)" + (flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))"))
                printedHeader = true
            }
            if !member.isInternal { out.item(primitiveText(member, rscOnly: false)) }
        }
        if printedHeader { out.endList() }
        return printedHeader
    }

    /// `native_active()` / `group_active()`.
    func isActive(_ rsc: MonResource, all: Bool) -> Bool {
        state.isActive(rsc, all: all)
    }

    /// `pcmk__native_output_string()` with crm_mon's options (pending operations shown).
    func primitiveText(_ rsc: MonResource, rscOnly: Bool) -> String {
        var node: MonNode? = rsc.nodes.first.flatMap { state.node(named: $0) }
        if rscOnly || rsc.nodes.count > 1 { node = nil }
        var s = "\(rsc.id)\t(\(rsc.agent)):\t"
        s += StatusView.nativeState(orphan: rsc.orphan, failed: rsc.failed, role: rsc.role, shown: rsc.displayedState)
        if let node { s += " " + node.name }
        if rsc.role == "Stopped", let probe = state.failedProbe(for: rsc, node: node?.name) {
            s += " (\(ocfExitText(probe.rc))) "
        }
        s += StatusView.nativeFlags(unclean: node.map { !$0.online && $0.unclean } ?? false, monitoring: rsc.pendingTask?.lowercased() == "monitor",
                                    disabled: rsc.targetRole?.lowercased() == "stopped", blocked: rsc.blocked, managed: rsc.managed,
                                    failureIgnored: rsc.failureIgnored)
        if rscOnly || rsc.nodes.count > 1, let description = rsc.description { s += " " + description }
        if !rscOnly && rsc.nodes.count > 1 { s += " [ " + rsc.nodes.joined(separator: " ") + " ]" }
        return s
    }
}
