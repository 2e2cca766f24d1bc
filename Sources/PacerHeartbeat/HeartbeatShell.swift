// SPDX-License-Identifier: GPL-2.0-or-later
import CPacerSys
public import PacerCrypto
public import PacerEventLoop
public import PacerMembership
#if canImport(Glibc)
import Glibc
#endif

/// The I/O half of membership: UDP sockets, HMAC, timers and carrier checks around a
/// `MembershipInstance` (CONVENTIONS.md §2's Shell). Runs on the event loop thread.
///
/// Incoming packets are authenticated before they are parsed; packets from an
/// unexpected address, with a bad tag or that do not decode are dropped and counted,
/// and reported to `onRejected` at most once per `reportEvery` (not per packet).
public final class HeartbeatShell {
    public struct Link: Sendable {
        public var id: LinkID
        public var localAddress: String
        public var peerAddress: String
        public init(id: LinkID, localAddress: String, peerAddress: String) {
            self.id = id
            self.localAddress = localAddress
            self.peerAddress = peerAddress
        }
    }

    /// Drops counted by the shell, before the instance sees a packet.
    public struct DropCounts: Sendable {
        public var unexpectedSource = 0
        public var authentication = 0
        public var malformed = 0
    }

    public private(set) var instance: MembershipInstance
    public private(set) var drops = DropCounts()
    let loop: EventLoop
    let sealer: PacketSealer
    let links: [Link]
    let port: UInt16
    var sockets: [LinkID: UDPSocket] = [:]
    var interfaces: [LinkID: String] = [:]
    /// Open `carrier` files of the links' interfaces.
    var carrierFiles: [LinkID: Int32] = [:]
    var carrier: [LinkID: Bool] = [:]
    var tickTimer: TimerID?
    /// When the armed tick timer fires (to avoid re-arming it for the same instant).
    var tickDue: Instant?
    var carrierTimer: TimerID?
    /// The netlink socket announcing link changes, if it could be opened.
    var linkEvents: Int32?
    var lastReport: Instant?
    var unreportedDrops = 0
    /// Why the latest malformed packet did not decode (e.g. a peer on another wire version).
    var lastMalformed: String?
    let reportEvery: Duration
    let onDirective: (MembershipInstance.Directive) -> Void
    let onRejected: (String) -> Void
    /// Called instead of handling an event when this process was stalled (frozen, stopped,
    /// starved) for longer than `deadtime`: the peer has declared it lost meanwhile.
    public var onStall: (Duration) -> Void = { _ in }
    /// When the last event was handled (ticks come at least every send slot while running).
    var lastHandled: Instant?
    /// The time of the last event given to the instance (its clock must not go back).
    var lastApplied: Instant?
    /// When the instance wants its next tick (set while handling an event).
    var tickWanted: Instant?
    /// Set once a stall was reported: membership is over for this process.
    public private(set) var stalled = false

    /// - Parameters:
    ///   - onDirective: every directive except sends and ticks (peer, link, quorum changes, leave complete).
    ///   - onRejected: a summary of dropped packets, at most once per `reportEvery`.
    public init(loop: EventLoop, instance: MembershipInstance, links: [Link], port: UInt16, key: AuthKey,
                reportEvery: Duration = .seconds(10),
                onDirective: @escaping (MembershipInstance.Directive) -> Void,
                onRejected: @escaping (String) -> Void) throws(UDPSocket.SocketError) {
        self.loop = loop
        self.instance = instance
        self.links = links
        self.port = port
        self.sealer = PacketSealer(key: key)
        self.reportEvery = reportEvery
        self.onDirective = onDirective
        self.onRejected = onRejected
        for link in links {
            sockets[link.id] = try UDPSocket(bind: link.localAddress, port: port)
            if let name = NetworkInterface.name(holding: link.localAddress) { interfaces[link.id] = name }
        }
    }

    /// Whether a link runs over a direct cable (its loss of carrier is evidence about the peer).
    public static func isDirectCable(localAddress: String) -> Bool {
        guard let name = NetworkInterface.name(holding: localAddress) else { return false }
        return NetworkInterface.looksLikeDirectCable(name)
    }

    /// The monotonic clock as the instance's `Instant`.
    public static func now() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    /// Starts heartbeats; call on the loop thread.
    public func start() throws(EventLoopError) {
        handle(.start)
        // Carrier changes arrive as netlink link events; without them, poll.
        let events = pacer_link_events_socket()
        if events >= 0, (try? loop.watch(fd: events, { [weak self] in
            _ = pacer_drain(events)
            self?.readCarrier()
        })) != nil {
            linkEvents = events
        } else if events >= 0 {
            close(events)
        }
        pollCarrier()
    }

    /// Announces a graceful leave; `.leaveComplete` follows through `onDirective`.
    public func leave() { handle(.leave) }

    /// Stops timers and sockets.
    public func stop() {
        if let timer = tickTimer { loop.cancelTimer(timer) }
        if let timer = carrierTimer { loop.cancelTimer(timer) }
        if let fd = linkEvents { loop.unwatch(fd: fd); close(fd); linkEvents = nil }
        for fd in carrierFiles.values { close(fd) }
        carrierFiles.removeAll()
    }

    func handle(_ event: MembershipInstance.Event) {
        let now = Self.now()
        if stalled { return }
        if let last = lastHandled, now - last > instance.settings.deadtime {
            stalled = true
            onStall(now - last)
            return
        }
        // Heartbeats are read here, at each event (a tick comes every send slot), not when
        // they arrive: one wake-up per slot instead of one per packet and link. The kernel's
        // arrival stamps keep the timing exact: a heartbeat counts from when it came.
        var realtime = timespec()
        clock_gettime(CLOCK_REALTIME, &realtime)
        let realtimeNow = Int64(realtime.tv_sec) * 1_000_000_000 + Int64(realtime.tv_nsec)
        var arrived: [(Instant, Heartbeat, LinkID)] = []
        for link in links {
            arrived += receive(on: link, now: now, realtimeNow: realtimeNow).map { ($0.0, $0.1, link.id) }
        }
        for (at, heartbeat, link) in arrived.sorted(by: { $0.0 < $1.0 }) {
            let floor = lastApplied ?? at
            apply(.heartbeat(heartbeat, link: link), now: min(max(at, floor), now))
        }
        lastHandled = now
        apply(event, now: now)
        // The instance asks for one tick per event; the last one stands (it knows everything).
        if let due = tickWanted {
            tickWanted = nil
            armTick(at: due)
        }
    }

    /// Arms the tick timer for `due`, unless it is armed for about then already (re-arming
    /// costs more than the rest of handling a heartbeat).
    func armTick(at due: Instant) {
        if tickTimer != nil, let armed = tickDue, armed <= due, due - armed < .milliseconds(2) { return }
        if let timer = tickTimer { loop.cancelTimer(timer) }
        tickDue = due
        let after = due - Self.now()
        tickTimer = loop.addTimer(after: after) { [weak self] in
            self?.tickTimer = nil
            self?.tickDue = nil
            self?.handle(.tick)
        }
    }

    func apply(_ event: MembershipInstance.Event, now: Instant) {
        lastApplied = now
        let directives = instance.handle(event, now: now)
        for directive in directives {
            switch directive {
            case .send(let heartbeat, let linkID):
                guard let link = links.first(where: { $0.id == linkID }), let socket = sockets[linkID] else { continue }
                socket.send(sealer.seal(heartbeat.encode()), to: link.peerAddress, port: port)
            case .scheduleTick(let after):
                tickWanted = now + after
            default:
                onDirective(directive)
            }
        }
    }

    /// Reads every datagram waiting on `link`'s socket; authentic heartbeats are returned
    /// with their arrival time on the monotonic clock (from the kernel's stamp).
    func receive(on link: Link, now: Instant, realtimeNow: Int64) -> [(Instant, Heartbeat)] {
        guard let socket = sockets[link.id] else { return [] }
        var received: [(Instant, Heartbeat)] = []
        socket.receiveAll { bytes, source, arrival in
            guard source == link.peerAddress else {
                drops.unexpectedSource += 1
                noteDrop()
                return
            }
            let payload: ArraySlice<UInt8>
            do { payload = try sealer.open(bytes) } catch {
                drops.authentication += 1
                noteDrop()
                return
            }
            let heartbeat: Heartbeat
            do { heartbeat = try Heartbeat.decode(Array(payload)) } catch {
                drops.malformed += 1
                lastMalformed = "\(error)"
                noteDrop()
                return
            }
            let age = arrival > 0 ? max(0, realtimeNow - arrival) : 0
            received.append((Instant(nanoseconds: now.nanoseconds - age), heartbeat))
        }
        return received
    }

    /// Rate-limits the report of dropped packets (a peer with a wrong key sends many).
    func noteDrop() {
        unreportedDrops += 1
        let now = Self.now()
        if let last = lastReport, now - last < reportEvery { return }
        lastReport = now
        onRejected("dropped \(unreportedDrops) heartbeat packet(s): \(drops.authentication) failed authentication, "
                   + "\(drops.unexpectedSource) from unexpected addresses, \(drops.malformed) malformed (totals)"
                   + (lastMalformed.map { "; last malformed: " + $0 } ?? ""))
        unreportedDrops = 0
    }

    /// Reads the carrier now and, without link events, again every 100 ms.
    func pollCarrier() {
        readCarrier()
        if linkEvents == nil {
            carrierTimer = loop.addTimer(after: .milliseconds(100)) { [weak self] in self?.pollCarrier() }
        }
    }

    func readCarrier() {
        for (id, name) in interfaces.sorted(by: { $0.key < $1.key }) {
            if carrierFiles[id] == nil {
                let fd = open("/sys/class/net/\(name)/carrier", O_RDONLY | O_CLOEXEC)
                if fd >= 0 { carrierFiles[id] = fd }
            }
            guard let fd = carrierFiles[id], let up = NetworkInterface.carrier(fd: fd) else { continue }
            if carrier[id] != up {
                let known = carrier[id] != nil
                carrier[id] = up
                if known || !up { handle(.linkCarrier(id, up: up)) }
            }
        }
    }
}
