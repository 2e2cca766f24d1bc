// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// Resource roles in Pacemaker's order (`enum rsc_role_e`).
enum Role: Int, Comparable {
    case unknown = 0, stopped, started, unpromoted, promoted
    static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
    var text: String {
        switch self {
        case .unknown: return "Unknown"
        case .stopped: return "Stopped"
        case .started: return "Started"
        case .unpromoted: return "Unpromoted"
        case .promoted: return "Promoted"
        }
    }
    init(text: String) {
        switch text.lowercased() {
        case "stopped": self = .stopped
        case "started": self = .started
        case "unpromoted", "slave": self = .unpromoted
        case "promoted", "master": self = .promoted
        default: self = .unknown
        }
    }
}

/// What to do after a failed action (`enum action_fail_response`), in severity order.
enum OnFail: Int {
    case ignore = 0, demote, recover, migrate, block, stop, standby, fence, restartContainer, resetRemote
}

/// `multiple-active` (`enum rsc_recovery_type`).
enum RecoveryType { case stopStart, stopOnly, block, stopUnexpected }

/// One configured operation (`<op>`), after op_defaults.
struct OpConfig {
    var id: String
    var name: String
    var intervalMs: Int
    var role: Role
    var onFail: String?
    var enabled: Bool
    /// `timeout` after op meta_attributes and op_defaults (for recurring-op digests).
    var timeout: String?
}

/// Where a resource is probed (`enum pe_discover_e`), in precedence order.
enum Discovery: Int, Comparable {
    case always = 0, never, exclusive
    static func < (a: Discovery, b: Discovery) -> Bool { a.rawValue < b.rawValue }
}

/// Clone settings (`clone_variant_data_t`).
struct CloneInfo {
    var max = 1
    var nodeMax = 1
    var interleave = false
    var ordered = false
    var notify = false
    /// The `<primitive>` or `<group>` every instance is made from.
    var template: XMLElement
    /// Instances created so far (numbers are handed out in order).
    var total = 0
    /// Notification pseudo actions around starts and stops (`notify=true`).
    var startNotify: NotifyData?
    var stopNotify: NotifyData?
    var promoteNotify: NotifyData?
    var demoteNotify: NotifyData?
    /// Promotable clone settings (`promoted-max`, `promoted-node-max`).
    var promotable = false
    var promotedMax = 1
    var promotedNodeMax = 1
    /// Location scores for the promoted role, by node index (`role=Promoted`).
    var promotedLocations: [(Int, Int)] = []
    /// Tickets the promoted role depends on (`rsc_ticket` with `rsc-role=Promoted`).
    var promotionTickets: [String] = []
}

/// The pseudo actions of one notification round (`notify_data_t`).
struct NotifyData {
    /// The notified operation (`start` or `stop`).
    var task: String
    var pre: Action?
    var preDone: Action?
    var post: Action?
    var postDone: Action?
}

/// A primitive, group or clone. Mirrors `pe_resource_t`.
final class Resource {
    enum Variant: Int { case primitive = 0, group = 1, clone = 2 }
    let id: String
    let variant: Variant
    unowned(unsafe) var parent: Resource?
    var children: [Resource] = []
    var xml: XMLElement
    var resourceClass = ""
    var provider: String?
    var agentType = ""
    var meta = AttributeMap()
    var ops: [OpConfig] = []
    var index = 0

    var priority = 0
    var stickiness = 0
    var migrationThreshold = Score.infinityValue
    var failureTimeout = 0
    var recoveryType = RecoveryType.stopStart
    var restartTypeRestart = false
    var needsQuorum = true
    var needsFencing = false
    /// `pe_rsc_needs_unfencing`: starts only on a node that has been unfenced.
    var needsUnfencing = false
    var critical = true
    /// What the resource uses of a node's capacity (`<utilization>`).
    var utilization: [String: Int] = [:]

    // flags
    var managed = true
    var failed = false
    var stopFlag = false        // pe_rsc_stop
    var block = false
    var orphan = false
    var provisional = true
    var allocating = false
    var merging = false
    var startPending = false
    var failureIgnored = false
    var maintenance = false
    var reload = false
    var restarting = false
    var stopUnexpected = false
    var isFenceDevice = false
    var allowMigrate = false
    /// `pe_rsc_unique`: not an instance of an anonymous clone.
    var unique = true
    /// Clone settings (clones only).
    var clone: CloneInfo?
    /// Instances per node assigned so far (the parent's `count` of its allowed nodes).
    var instanceCount: [Int] = []
    /// Promotion order of a promotable clone instance (`sort_index`).
    var sortIndex = 0
    /// The name history knows this instance by, when different (`clone_name`).
    var cloneName: String?

    /// The connection resource of a remote or guest node (`is_remote_node`).
    var isRemoteNode = false
    /// Containers, remote connections, discovery and migration state: few resources
    /// have any, so it lives in one optional object (keeps large clusters small).
    private var extras: ResourceExtras?
    private var ensuredExtras: ResourceExtras {
        if let extras { return extras }
        let made = ResourceExtras()
        extras = made
        return made
    }

    /// The resource this one runs inside (`container` meta attribute); for a guest
    /// node's connection, the guest's resource.
    var container: Resource? {
        get { extras?.container }
        set { ensuredExtras.container = newValue }
    }
    /// An orphan whose history names a container (`pe_rsc_orphan_container_filler`).
    var orphanContainerFiller: Bool {
        get { extras?.orphanContainerFiller ?? false }
        set { if newValue || extras != nil { ensuredExtras.orphanContainerFiller = newValue } }
    }
    /// Resources that name this one as their container (`fillers`).
    var fillers: [Resource] {
        get { extras?.fillers ?? [] }
        set { ensuredExtras.fillers = newValue }
    }
    /// `reconnect_interval` of a remote connection, in milliseconds.
    var remoteReconnectMs: Int {
        get { extras?.remoteReconnectMs ?? 0 }
        set { if newValue != 0 || extras != nil { ensuredExtras.remoteReconnectMs = newValue } }
    }
    /// A connection made by the scheduler for a guest node (`internal_rsc`).
    var isInternal: Bool { meta["internal_rsc"].map(isTrue) ?? false }

    /// `resource-discovery` of the location constraints by node index (nil: all always).
    var discoverMode: [Discovery]? {
        get { extras?.discoverMode }
        set { ensuredExtras.discoverMode = newValue }
    }
    /// Some location constraint has `resource-discovery=exclusive` (`exclusive_discover`).
    var exclusiveDiscover: Bool {
        get { extras?.exclusiveDiscover ?? false }
        set { if newValue || extras != nil { ensuredExtras.exclusiveDiscover = newValue } }
    }
    func discovery(on node: Node) -> Discovery { extras?.discoverMode?[node.index] ?? .always }

    /// A migration half done: migrate_to succeeded, migrate_from not yet run.
    var partialMigrationSource: Node? {
        get { extras?.partialMigrationSource }
        set { if newValue != nil || extras != nil { ensuredExtras.partialMigrationSource = newValue } }
    }
    var partialMigrationTarget: Node? {
        get { extras?.partialMigrationTarget }
        set { if newValue != nil || extras != nil { ensuredExtras.partialMigrationTarget = newValue } }
    }
    /// Nodes a completed migration left the resource to be stopped on.
    var danglingMigrations: [Node] {
        get { extras?.danglingMigrations ?? [] }
        set { ensuredExtras.danglingMigrations = newValue }
    }

    var role = Role.stopped
    var nextRole = Role.unknown
    var runningOn: [Node] = []
    var knownOn = NodeIndexSet()
    /// Allowed node scores by node index; nil where the node is not allowed at all.
    var allowed: [Int?]
    var allocatedTo: Node?
    /// Colocations where this resource is the dependent (`rsc_cons`).
    var thisWith: [Colocation] = []
    /// Colocations where this resource is the primary (`rsc_cons_lhs`).
    var withThis: [Colocation] = []
    var actions: [Action] = []
    var pendingTask: String?
    /// Where `pendingTask` is in flight (`pending_node`): shown for a resource active nowhere.
    var pendingNode: Node?
    /// The first masked probe failure recorded with a node (`pe__failed_probe_for_rsc()`).
    var failedProbeRC: Int?
    /// Masked probe failures by node index (first one per node).
    var failedProbeOn: [Int: Int] = [:]

    init(id: String, variant: Variant, xml: XMLElement, nodeCount: Int) {
        self.id = id
        self.variant = variant
        self.xml = xml
        self.allowed = Array(repeating: nil, count: nodeCount)
    }

    var top: Resource { parent?.top ?? self }

    /// An instance of a clone (directly: a primitive or group in a clone).
    var isCloneInstance: Bool { parent?.variant == .clone }

    /// Whether this resource is (inside) a promotable clone.
    var inPromotable: Bool { top.clone?.promotable ?? false }

    /// Whether this resource is a clone or inside one.
    var inClone: Bool { variant == .clone || (parent?.inClone ?? false) }

    /// Where the resource is active (`pe__current_node()`, `pe__find_active_on()`): a
    /// partial migration's source, else the first clean node unless the resource needs
    /// fencing, else the first node.
    var currentNode: Node? {
        guard let first = runningOn.first else { return nil }
        if let source = partialMigrationSource { return runningOn.first { $0 === source } ?? first }
        if needsFencing { return first }
        return runningOn.first { $0.online && !$0.unclean } ?? first
    }

    /// Members of a group, or the primitive itself.
    var primitives: [Resource] { variant == .group ? children.flatMap { $0.primitives } : [self] }

    var agentDescription: String {
        if let provider { return "\(resourceClass):\(provider):\(agentType)" }
        return "\(resourceClass):\(agentType)"
    }

    /// Mirrors `native_add_running()`.
    func addRunning(_ node: Node) {
        if runningOn.contains(where: { $0 === node }) { return }
        runningOn.append(node)
        if variant == .primitive && node.maintenance {
            managed = false
            maintenance = true
        }
        if !managed {
            allowed[node.index] = Score.add(allowed[node.index] ?? node.baseWeight, Score.infinityValue)
            var p = parent
            while let q = p, node.online {
                if !q.runningOn.contains(where: { $0 === node }) { q.runningOn.append(node) }
                p = q.parent
            }
            return
        }
        if variant == .primitive && runningOn.count > 1 {
            switch recoveryType {
            case .stopOnly:
                for i in allowed.indices { allowed[i] = -Score.infinityValue }
            case .block:
                managed = false
                block = true
                if let p = parent, p.variant == .group, p.recoveryType == .block {
                    for c in p.children { c.managed = false; c.block = true }
                }
            default: break
            }
        }
        parent?.addRunning(node)
    }

    /// Adds `score` for one node (or all nodes), as `resource_location()`.
    func addLocation(_ node: Node?, _ score: Int, nodes: [Node]) {
        if let node {
            allowed[node.index] = Score.add(allowed[node.index] ?? node.baseWeight, score)
        } else {
            for n in nodes { allowed[n.index] = Score.add(allowed[n.index] ?? n.baseWeight, score) }
        }
    }
}

/// The rarely set parts of a resource (see `Resource.extras`).
final class ResourceExtras {
    unowned(unsafe) var container: Resource?
    var orphanContainerFiller = false
    var fillers: [Resource] = []
    var remoteReconnectMs = 0
    var discoverMode: [Discovery]?
    var exclusiveDiscover = false
    var partialMigrationSource: Node?
    var partialMigrationTarget: Node?
    var danglingMigrations: [Node] = []
}
