// SPDX-License-Identifier: GPL-2.0-or-later
import PacerMembership
import PacerTestKit

/// Two `MembershipInstance`s on a simulated network under a manual clock (CONVENTIONS.md §2).
///
/// Nothing sleeps: `run(for:)` jumps from event to event. Packets go through the real
/// codec; loss, delay, reordering and duplication come from a `SplitMix64` seeded
/// with `seed`, so a run replays exactly. Include `context` in expectation comments
/// so a failure prints the seed.
struct SimulatedCluster {
    /// One simulated node: its instance, whether its process runs, what it reported.
    struct Node {
        let name: String
        var instance: MembershipInstance
        var isRunning = false
        /// Generation of the pending timer; older timers are stale.
        var timerGeneration = 0
        /// Every directive except `.send` and `.scheduleTick`, with the instant it came.
        var log: [(at: Instant, directive: MembershipInstance.Directive)] = []
    }

    /// A packet as it went on the wire, for replay tests.
    struct Packet {
        let from: String
        let link: LinkID
        let bytes: [UInt8]
    }

    private enum Pending {
        case deliver(bytes: [UInt8], to: Int, link: LinkID)
        case tick(node: Int, generation: Int)
    }

    let seed: UInt64
    let settings: MembershipSettings
    let linkConfigurations: [LinkConfiguration]
    private(set) var now = Instant.zero
    private(set) var nodes: [Node] = []
    /// Every packet sent, in order.
    private(set) var sent: [Packet] = []
    private var rng: SplitMix64
    /// Conditions per (sending node index, link); looked up, never iterated.
    private var conditions: [Int: [LinkID: LinkConditions]] = [:]
    private var queue: [(at: Instant, order: Int, pending: Pending)] = []
    private var order = 0

    /// A stopped cluster of two nodes; call `start` or `startAll`.
    init(
        _ names: [String] = ["alpha", "bravo"],
        links: [LinkConfiguration] = [LinkConfiguration(id: 0, isDirectCable: true), LinkConfiguration(id: 1)],
        settings: MembershipSettings = MembershipSettings(),
        conditions: LinkConditions = .perfect,
        seed: UInt64
    ) {
        precondition(names.count == 2, "a two-node cluster needs two names, got \(names)")
        self.seed = seed
        self.settings = settings
        self.linkConfigurations = links
        self.rng = SplitMix64(seed: seed)
        for (index, name) in names.enumerated() {
            let instance = try! MembershipInstance(
                node: name, peer: names[1 - index], cluster: "sim", incarnation: 1, links: links, settings: settings)
            nodes.append(Node(name: name, instance: instance))
            self.conditions[index] = Dictionary(uniqueKeysWithValues: links.map { ($0.id, conditions) })
        }
    }

    /// Seed and time, for expectation comments.
    var context: String { "seed \(seed) at \(now)" }

    func node(_ name: String) -> MembershipInstance { nodes[index(name)].instance }

    /// Directives `name` reported (without sends and ticks), oldest first.
    func directives(of name: String) -> [MembershipInstance.Directive] { nodes[index(name)].log.map(\.directive) }

    /// The log of `name` with instants.
    func log(of name: String) -> [(at: Instant, directive: MembershipInstance.Directive)] { nodes[index(name)].log }

    /// When `name` first reported `directive` at or after `since`, if it did.
    func firstTime(_ name: String, reported directive: MembershipInstance.Directive, since: Instant = .zero) -> Instant? {
        nodes[index(name)].log.first { $0.at >= since && $0.directive == directive }?.at
    }

    // MARK: processes

    /// Starts `name`'s process (again, with `incarnation`, if it ran before).
    mutating func start(_ name: String, incarnation: UInt64? = nil) {
        let i = index(name)
        if let incarnation {
            nodes[i].instance = try! MembershipInstance(
                node: name, peer: nodes[1 - i].name, cluster: "sim", incarnation: incarnation,
                links: linkConfigurations, settings: settings)
        }
        nodes[i].isRunning = true
        deliver(.start, to: i)
    }

    mutating func startAll() {
        for node in nodes { start(node.name) }
    }

    /// Kills `name` as kill -9 would: no more sends, ticks or receptions.
    mutating func crash(_ name: String) {
        nodes[index(name)].isRunning = false
        nodes[index(name)].timerGeneration += 1
    }

    /// Tells `name` to leave gracefully.
    mutating func leave(_ name: String) { deliver(.leave, to: index(name)) }

    // MARK: network

    /// Sets the conditions of `link` in both directions.
    mutating func setConditions(_ link: LinkID, _ new: LinkConditions) {
        for i in nodes.indices { conditions[i]![link] = new }
    }

    mutating func cut(_ link: LinkID) {
        for i in nodes.indices { conditions[i]![link]!.isCut = true }
    }

    mutating func heal(_ link: LinkID) {
        for i in nodes.indices { conditions[i]![link]!.isCut = false }
    }

    /// Reports carrier on `name`'s end of `link`.
    mutating func setCarrier(_ name: String, _ link: LinkID, up: Bool) {
        deliver(.linkCarrier(link, up: up), to: index(name))
    }

    /// Delivers raw bytes to `name` on `link` now, as an attacker or a buggy switch would.
    mutating func inject(_ bytes: [UInt8], to name: String, link: LinkID) {
        let heartbeat = try! Heartbeat.decode(bytes)
        deliver(.heartbeat(heartbeat, link: link), to: index(name))
    }

    // MARK: running

    /// Runs every event up to and including `now + duration`, then sets the clock there.
    mutating func run(for duration: Duration) {
        let end = now + duration
        while let first = queue.first, first.at <= end {
            queue.removeFirst()
            now = first.at
            switch first.pending {
            case let .tick(i, generation):
                if nodes[i].isRunning && nodes[i].timerGeneration == generation { deliver(.tick, to: i) }
            case let .deliver(bytes, i, link):
                if nodes[i].isRunning {
                    let heartbeat = try! Heartbeat.decode(bytes)
                    deliver(.heartbeat(heartbeat, link: link), to: i)
                }
            }
        }
        now = end
    }

    private mutating func deliver(_ event: MembershipInstance.Event, to i: Int) {
        guard nodes[i].isRunning else { return }
        for directive in nodes[i].instance.handle(event, now: now) {
            switch directive {
            case let .send(heartbeat, link):
                transmit(heartbeat.encode(), from: i, link: link)
            case let .scheduleTick(after):
                nodes[i].timerGeneration += 1
                enqueue(.tick(node: i, generation: nodes[i].timerGeneration), at: now + after)
            default:
                nodes[i].log.append((now, directive))
            }
        }
    }

    private mutating func transmit(_ bytes: [UInt8], from i: Int, link: LinkID) {
        sent.append(Packet(from: nodes[i].name, link: link, bytes: bytes))
        let path = conditions[i]![link]!
        guard !path.isCut, !rng.chance(path.loss) else { return }
        let copies = rng.chance(path.duplication) ? 2 : 1
        for _ in 0..<copies {
            let low = path.delay.lowerBound.components, high = path.delay.upperBound.components
            let lowNs = low.seconds * 1_000_000_000 + low.attoseconds / 1_000_000_000
            let highNs = high.seconds * 1_000_000_000 + high.attoseconds / 1_000_000_000
            let delay = Duration.nanoseconds(Int64.random(in: lowNs...highNs, using: &rng))
            enqueue(.deliver(bytes: bytes, to: 1 - i, link: link), at: now + delay)
        }
    }

    private mutating func enqueue(_ pending: Pending, at instant: Instant) {
        order += 1
        let position = queue.firstIndex { ($0.at, $0.order) > (instant, order) } ?? queue.endIndex
        queue.insert((instant, order, pending), at: position)
    }

    private func index(_ name: String) -> Int {
        guard let i = nodes.firstIndex(where: { $0.name == name }) else { preconditionFailure("no node '\(name)' in \(nodes.map(\.name))") }
        return i
    }
}
