// SPDX-License-Identifier: GPL-2.0-or-later
/// Ordering flags (`enum pe_ordering`).
struct OrderFlags: OptionSet {
    let rawValue: UInt32
    static let optional = OrderFlags(rawValue: 1 << 0)
    static let impliesFirst = OrderFlags(rawValue: 1 << 4)
    static let impliesThen = OrderFlags(rawValue: 1 << 5)
    static let promotedImpliesFirst = OrderFlags(rawValue: 1 << 6)
    static let impliesFirstMigratable = OrderFlags(rawValue: 1 << 7)
    static let runnableLeft = OrderFlags(rawValue: 1 << 8)
    static let pseudoLeft = OrderFlags(rawValue: 1 << 9)
    static let impliesThenOnNode = OrderFlags(rawValue: 1 << 10)
    static let probe = OrderFlags(rawValue: 1 << 11)
    static let restart = OrderFlags(rawValue: 1 << 12)
    static let sameNode = OrderFlags(rawValue: 1 << 13)
    static let thenCancelsFirst = OrderFlags(rawValue: 1 << 14)
    static let asymmetrical = OrderFlags(rawValue: 1 << 15)
    static let impliesFirstPrinted = OrderFlags(rawValue: 1 << 16)
    static let impliesThenPrinted = OrderFlags(rawValue: 1 << 17)
    static let serializeOnly = OrderFlags(rawValue: 1 << 18)
    static let antiColocation = OrderFlags(rawValue: 1 << 19)
    static let applyFirstNonMigratable = OrderFlags(rawValue: 1 << 20)
    static let oneOrMore = OrderFlags(rawValue: 1 << 21)
    static let none: OrderFlags = []
}

/// Action flags (`enum pe_action_flags`).
struct ActionFlags: OptionSet {
    let rawValue: UInt32
    static let pseudo = ActionFlags(rawValue: 1 << 0)
    static let runnable = ActionFlags(rawValue: 1 << 1)
    static let optional = ActionFlags(rawValue: 1 << 2)
    static let printAlways = ActionFlags(rawValue: 1 << 3)
    static let migrateRunnable = ActionFlags(rawValue: 1 << 7)
}

/// One edge of the action graph (`pe_action_wrapper_t`). A value: there are many,
/// and the only mutation (disabling an edge) goes through the owning array.
struct ActionEdge {
    unowned(unsafe) let action: Action
    var type: OrderFlags
    init(_ action: Action, _ type: OrderFlags) { self.action = action; self.type = type }
}

/// A scheduled (or candidate) action. Mirrors `pe_action_t`.
final class Action {
    let id: Int
    unowned(unsafe) let rsc: Resource?
    var task: String
    let key: String
    var node: Node?
    let intervalMs: Int
    var flags: ActionFlags
    var reason: String?
    var needsNothing = false
    var onFail = OnFail.recover
    var failRole = Role.started
    var before: [ActionEdge] = []
    var after: [ActionEdge] = []
    var dcAction = false
    /// For `cancel` actions: the interval of the recurring op being cancelled.
    var cancelInterval = 0
    /// A recurring op whose definition changed and must be re-created (`pe_action_reschedule`).
    var reschedule = false
    /// The result that counts as success (7 for probes and Stopped-role monitors).
    var expectedRC = 0
    /// `pe_action_requires_any`: runnable once enough of its inputs are (clone-min).
    var requiresAny = false
    var requiredRunnableBefore = 0
    var runnableBefore = 0

    init(id: Int, rsc: Resource?, task: String, key: String, node: Node?, intervalMs: Int, flags: ActionFlags) {
        self.id = id; self.rsc = rsc; self.task = task; self.key = key; self.node = node
        self.intervalMs = intervalMs; self.flags = flags
    }

    var optional: Bool { flags.contains(.optional) }
    var runnable: Bool { flags.contains(.runnable) }
    var pseudo: Bool { flags.contains(.pseudo) }

    /// As `pe_action_set_reason()`.
    func setReason(_ text: String?, overwrite: Bool) {
        if reason == nil || overwrite { reason = text }
    }
}

/// Builds an operation key as `pcmk__op_key()`: `RSC_TASK_INTERVAL`.
func opKey(_ rsc: String, _ task: String, _ intervalMs: Int = 0) -> String {
    "\(rsc)_\(task)_\(intervalMs)"
}
