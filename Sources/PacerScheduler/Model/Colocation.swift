// SPDX-License-Identifier: GPL-2.0-or-later
/// A colocation constraint. Mirrors `pcmk__colocation_t`.
final class Colocation {
    let id: String
    unowned(unsafe) let dependent: Resource
    unowned(unsafe) let primary: Resource
    let score: Int
    let dependentRole: Role
    let primaryRole: Role
    let nodeAttribute: String?
    let influence: Bool
    init(id: String, dependent: Resource, primary: Resource, score: Int, dependentRole: Role,
         primaryRole: Role, nodeAttribute: String?, influence: Bool) {
        self.id = id; self.dependent = dependent; self.primary = primary; self.score = score
        self.dependentRole = dependentRole; self.primaryRole = primaryRole
        self.nodeAttribute = nodeAttribute; self.influence = influence
    }

    /// Mirrors `pcmk__colocation_has_influence()`.
    var hasInfluence: Bool { influence || primary.runningOn.isEmpty }

    /// `pcmk__colocation_has_influence()` with a given resource in the primary's place.
    func hasInfluence(on rsc: Resource) -> Bool { influence || rsc.runningOn.isEmpty }
}
