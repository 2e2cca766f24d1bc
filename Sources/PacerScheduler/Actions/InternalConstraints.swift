// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Implicit orderings and colocations of primitives and groups. Mirrors
/// `pcmk__primitive_internal_constraints()` and `pcmk__group_internal_constraints()`.
extension WorkingSet {
    func createInternalConstraints() {
        for rsc in resources { internalConstraints(rsc) }
    }

    private func internalConstraints(_ rsc: Resource) {
        switch rsc.variant {
        case .clone:
            cloneInternalConstraints(rsc) { internalConstraints($0) }
        case .primitive:
            guard rsc.managed else { return }
            orderResourceActions(rsc, "stop", rsc, "start", [.optional, .impliesThen, .restart])
            if rsc.inPromotable || rsc.role > .unpromoted {
                orderResourceActions(rsc, "demote", rsc, "stop", [.promotedImpliesFirst])
                orderResourceActions(rsc, "start", rsc, "promote", [.runnableLeft])
            }
            orderRestartVsUnfence(rsc)
            createUtilizationConstraints(rsc)
            containerConstraints(rsc)
        case .group:
            orderResourceActions(rsc, "stop", rsc, "stopped", [.runnableLeft])
            orderResourceActions(rsc, "stopped", rsc, "start", [.optional])
            orderResourceActions(rsc, "start", rsc, "running", [.runnableLeft])
            let ordered = rsc.meta["ordered"].map(isTrue) ?? true
            let colocated = rsc.meta["collocated"].map(isTrue) ?? true
            var previous: Resource?
            var lastActive: Resource?
            for member in rsc.children {
                var downFlags: OrderFlags = [.impliesFirstPrinted]
                var postDownFlags: OrderFlags = [.impliesThenPrinted]
                internalConstraints(member)
                if previous == nil {
                    if ordered { downFlags.insert(.optional); postDownFlags = [.impliesThen] }
                } else if colocated, let prev = previous {
                    newColocation(id: "group:internal_colocation", dependent: member, primary: prev,
                                  score: Score.infinityValue, dependentRole: .unknown, primaryRole: .unknown,
                                  nodeAttribute: nil, influence: member.critical)
                }
                let promotable = rsc.inPromotable
                if promotable {
                    orderResourceActions(rsc, "demote", member, "demote", downFlags)
                    orderResourceActions(member, "demote", rsc, "demoted", postDownFlags)
                    orderResourceActions(member, "promote", rsc, "promoted", [.runnableLeft, .impliesThen, .impliesThenPrinted])
                    orderResourceActions(rsc, "promote", member, "promote", [.impliesFirstPrinted])
                }
                orderResourceActions(rsc, "stop", member, "stop", downFlags)
                orderResourceActions(member, "stop", rsc, "stopped", postDownFlags)
                orderResourceActions(rsc, "start", member, "start", [.impliesFirstPrinted])
                orderResourceActions(member, "start", rsc, "running", [.runnableLeft, .impliesThen, .impliesThenPrinted])
                if !ordered {
                    orderResourceActions(rsc, "start", member, "start", [.impliesThen, .runnableLeft, .impliesFirstPrinted])
                    if promotable {
                        orderResourceActions(rsc, "promote", member, "promote", [.impliesThen, .runnableLeft, .impliesFirstPrinted])
                    }
                } else if let prev = previous {
                    orderResourceActions(prev, "start", member, "start", [.impliesThen, .runnableLeft])
                    orderResourceActions(member, "stop", prev, "stop", [.optional, .restart])
                    if promotable {
                        orderResourceActions(prev, "promote", member, "promote", [.impliesThen, .runnableLeft])
                        orderResourceActions(member, "demote", prev, "demote", [.optional])
                    }
                } else {
                    orderResourceActions(rsc, "start", member, "start", [])
                    if promotable { orderResourceActions(rsc, "promote", member, "promote", []) }
                }
                if !member.runningOn.isEmpty {
                    if ordered, let prev = previous, prev.runningOn.isEmpty, let la = lastActive, !la.runningOn.isEmpty {
                        orderResourceActions(member, "stop", la, "stop", [.optional])
                    }
                    lastActive = member
                }
                previous = member
            }
        }
    }
}
