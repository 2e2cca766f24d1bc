// SPDX-License-Identifier: GPL-2.0-or-later
import CQB
import Glibc
public import PacerEventLoop

/// The daemon's end of libqb IPC (`qb_ipcs`), driven by an ``EventLoop``.
///
/// Uses `QB_IPC_NATIVE` (shared-memory ring buffers on Linux, set up over an abstract unix
/// socket). Only root and members of the writer group may connect (others are refused at
/// connect: the CIB holds secrets), within per-user and total connection limits that keep
/// connections in reserve for root; each request carries its client's identity. The server answers malformed or oversized requests itself with an error reply
/// and never hands them to the handler; a client that vanishes mid-request only makes its
/// later ``IPCRequest/reply(_:)`` a no-op.
///
/// Permissions: libqb puts each connection's files in a fresh `/dev/shm/qb-…` directory (mode
/// 0770) and chowns directory and files to the client's uid/gid with mode 0600 unless
/// `qb_ipcs_connection_auth_set()` says otherwise. For a root daemon that default is exactly
/// right — only the client and root can open them — so this server never calls it. (Pacemaker
/// calls it with the `haclient` gid because its daemons run as `hacluster` and cannot chown.)
///
/// Threads: create, use and shut down on the loop thread, or on any one thread before the
/// loop runs. The handler runs on the loop thread.
public final class IPCServer {
    /// The IPC name clients pass to ``IPCClient/connect(name:maxMessageSize:)``.
    public let name: String
    /// The largest request payload the handler will see, in bytes.
    public let maxMessageSize: Int
    let writerGroup: String
    let loop: EventLoop
    let handler: (IPCRequest) -> Void
    /// The `qb_ipcs_service_t *`, nil after `shutdown()`.
    private var service: OpaquePointer?
    /// Connections a user other than root may hold at once, and all users together; the
    /// last ``rootReserve`` of the total are root's, so nobody else can lock root out.
    public let perUserLimit: Int
    public let totalLimit: Int
    public static let rootReserve = 8
    private var connectionsByUID: [UInt32: Int] = [:]
    private var connections = 0

    /// Publishes the IPC name and starts accepting clients on `loop`.
    /// - Parameters:
    ///   - name: the IPC name (an abstract unix socket); unique per daemon.
    ///   - loop: the loop that will run the server.
    ///   - maxMessageSize: the largest request payload accepted, in bytes; replies may be as
    ///     large as the connection's buffer, which is at least this.
    ///   - writerGroup: members of this group (besides root) get `mayWrite`.
    ///   - handler: called on the loop thread with each well-formed request; it must call
    ///     ``IPCRequest/reply(_:)`` once, now or later.
    /// - Throws: `IPCError.nameInUse(name:)` when another server has the name,
    ///   `.serverStartFailed(name:errno:)` otherwise.
    ///   - perUserLimit, totalLimit: connection limits (see ``perUserLimit``); a client over
    ///     them is refused at connect with `EUSERS`.
    public init(name: String, loop: EventLoop, maxMessageSize: Int = 1 << 20, writerGroup: String = "haclient",
                perUserLimit: Int = 8, totalLimit: Int = 64,
                handler: @escaping (IPCRequest) -> Void) throws(IPCError) {
        precondition(maxMessageSize > 0 && maxMessageSize <= Int(Int32.max) - IPCWire.headerAllowance,
                     "IPCServer maxMessageSize \(maxMessageSize) out of range")
        loop.preconditionLoopThread("IPCServer.init")
        // Before libqb: its own refusal of a taken name closes a descriptor twice.
        if IPCNameProbe.inUse(name) { throw .nameInUse(name: name) }
        self.name = name
        self.maxMessageSize = maxMessageSize
        self.writerGroup = writerGroup
        self.perUserLimit = perUserLimit
        self.totalLimit = max(totalLimit, Self.rootReserve + 1)
        self.loop = loop
        self.handler = handler

        var serviceHandlers = qb_ipcs_service_handlers(
            connection_accept: ipcsAccept, connection_created: nil, msg_process: ipcsProcess,
            connection_closed: ipcsClosed, connection_destroyed: ipcsDestroyed)
        guard let created = qb_ipcs_create(name, 0, QB_IPC_NATIVE, &serviceHandlers) else {
            throw .serverStartFailed(name: name, errno: errno)
        }
        var pollHandlers = qb_ipcs_poll_handlers(
            job_add: ipcsJobAdd, dispatch_add: ipcsDispatchAdd, dispatch_mod: ipcsDispatchMod,
            dispatch_del: ipcsDispatchDel)
        qb_ipcs_poll_handlers_set(created, &pollHandlers)
        qb_ipcs_enforce_buffer_size(created, UInt32(maxMessageSize + IPCWire.headerAllowance))
        qb_ipcs_service_context_set(created, Unmanaged.passUnretained(self).toOpaque())
        let rc = loop.withCurrent { qb_ipcs_run(created) }
        // On failure qb_ipcs_run has already released the service.
        guard rc == 0 else {
            throw rc == -EADDRINUSE ? .nameInUse(name: name) : .serverStartFailed(name: name, errno: -rc)
        }
        service = created
    }

    deinit { shutdown() }

    /// Withdraws the IPC name and disconnects every client; replies to requests still
    /// pending are dropped. Idempotent. Loop thread (or before/after the loop runs), but not
    /// from inside the handler: libqb is then mid-dispatch on a connection, so `post` it.
    public func shutdown() {
        guard let service else { return }
        loop.preconditionLoopThread("IPCServer.shutdown")
        self.service = nil
        loop.withCurrent { qb_ipcs_destroy(service) }
    }

    /// The number of connected clients.
    public var connectionCount: Int {
        guard let service else { return 0 }
        var stats = qb_ipcs_stats()
        _ = qb_ipcs_stats_get(service, &stats, 0)
        return Int(stats.active_connections)
    }

    /// Counts a new connection of `uid`, or refuses it when that would pass a limit.
    func admit(uid: UInt32) -> Bool {
        let mine = connectionsByUID[uid, default: 0]
        if uid == 0 {
            guard connections < totalLimit else { return false }
        } else {
            guard mine < perUserLimit, connections < totalLimit - Self.rootReserve else { return false }
        }
        connectionsByUID[uid] = mine + 1
        connections += 1
        return true
    }

    /// A connection of `uid` is gone.
    func release(uid: UInt32) {
        guard let mine = connectionsByUID[uid] else { return }
        connectionsByUID[uid] = mine > 1 ? mine - 1 : nil
        connections -= 1
    }

    /// Checks a request from libqb and hands it to the handler, or answers it with an error.
    func process(_ connection: IPCConnection, message: UnsafeRawPointer, declaredSize: Int) {
        let header = message.loadUnaligned(as: qb_ipc_request_header.self)
        // `declaredSize` is the client's own header field: check it before trusting it.
        let bufferSize = connection.bufferSize
        guard declaredSize >= IPCWire.requestHeaderSize, declaredSize <= bufferSize else {
            let detail = "declared size \(declaredSize) is outside \(IPCWire.requestHeaderSize)...\(bufferSize)"
            connection.send(id: header.id, payload: Array(detail.utf8), error: -EBADMSG)
            return
        }
        let payloadCount = declaredSize - IPCWire.requestHeaderSize
        guard payloadCount <= maxMessageSize else {
            connection.send(id: header.id, payload: IPCWire.encode([Int64(maxMessageSize)]), error: -EMSGSIZE)
            return
        }
        let payload = [UInt8](UnsafeRawBufferPointer(start: message + IPCWire.requestHeaderSize, count: payloadCount))
        handler(IPCRequest(id: header.id, payload: payload, connection: connection))
    }
}

/// One client connection as the server sees it. libqb's connection context holds it retained
/// from accept to destroy; requests hold it too, so a late reply can see the client is gone.
final class IPCConnection {
    /// The `qb_ipcs_connection_t *` while the client is connected, nil after it closed.
    var handle: OpaquePointer?
    let identity: IPCClientIdentity
    let loop: EventLoop

    init(handle: OpaquePointer, identity: IPCClientIdentity, loop: EventLoop) {
        self.handle = handle
        self.identity = identity
        self.loop = loop
    }

    var bufferSize: Int {
        guard let handle else { return 0 }
        return Int(qb_ipcs_connection_get_buffer_size(handle))
    }

    /// Sends one reply; dropped quietly when the client is gone or not reading (its buffer full).
    func send(id: Int32, payload: [UInt8], error: Int32) {
        guard let handle else { return }
        let limit = bufferSize - IPCWire.responseHeaderSize
        if payload.count > limit {
            send(id: id, payload: IPCWire.encode([Int64(payload.count), Int64(limit)]), error: -E2BIG)
            return
        }
        var header = IPCWire.responseHeader(id: id, payloadCount: payload.count, error: error)
        withUnsafeMutableBytes(of: &header) { headerBytes in
            payload.withUnsafeBytes { payloadBytes in
                var iov = [
                    iovec(iov_base: headerBytes.baseAddress, iov_len: headerBytes.count),
                    iovec(iov_base: UnsafeMutableRawPointer(mutating: payloadBytes.baseAddress),
                          iov_len: payloadBytes.count),
                ]
                _ = qb_ipcs_response_sendv(handle, &iov, payload.isEmpty ? 1 : 2)
            }
        }
    }
}
