// SPDX-License-Identifier: GPL-2.0-or-later
import CQB
import Glibc

/// The CLI's end of libqb IPC (`qb_ipcc`): one connection, one blocking request at a time.
///
/// Threads: any thread, but one at a time (the type is not `Sendable`). Blocking calls never
/// touch an ``EventLoop``, so a client may talk to a server in the same process as long as
/// the server's loop runs on another thread.
public final class IPCClient {
    /// The IPC name this client connected to.
    public let name: String
    /// The largest request payload this client sends, in bytes.
    public let maxMessageSize: Int
    /// The `qb_ipcc_connection_t *`, nil after `close()`.
    private var handle: OpaquePointer?
    /// Receives replies; as large as the buffer libqb negotiated with the server.
    private let buffer: UnsafeMutableRawBufferPointer
    private var nextID: Int32 = 0

    private init(name: String, maxMessageSize: Int, handle: OpaquePointer) {
        self.name = name
        self.maxMessageSize = maxMessageSize
        self.handle = handle
        let size = max(Int(qb_ipcc_get_buffer_size(handle)), maxMessageSize + IPCWire.headerAllowance)
        buffer = .allocate(byteCount: size, alignment: 8)
    }

    deinit {
        close()
        buffer.deallocate()
    }

    /// Connects to the server published under `name`.
    /// - Parameters:
    ///   - maxMessageSize: the largest request payload this client will send; larger requests
    ///     fail with `messageTooLarge` before anything is sent.
    ///   - timeout: how long to wait for the server to accept; a daemon whose loop is stuck
    ///     would otherwise block the CLI forever.
    /// - Throws: `IPCError.daemonNotRunning(name:)` when nothing serves `name`,
    ///   `.timedOut(after:)` when the server does not answer, `.permissionDenied(name:)` when
    ///   it refuses the client, `.connectFailed(name:errno:)` otherwise.
    public static func connect(name: String, maxMessageSize: Int = 1 << 20,
                               timeout: Duration = .seconds(5)) throws(IPCError) -> IPCClient {
        precondition(maxMessageSize > 0 && maxMessageSize <= Int(Int32.max) - IPCWire.headerAllowance,
                     "IPCClient maxMessageSize \(maxMessageSize) out of range")
        errno = 0
        var fd: Int32 = -1
        guard let handle = qb_ipcc_connect_async(name, maxMessageSize + IPCWire.headerAllowance, &fd) else {
            throw connectError(name: name, errno: errno)
        }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var ready: Int32
        repeat {
            let remaining = max(IPCError.milliseconds(ContinuousClock.now.duration(to: deadline)), 0)
            var pending = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            ready = poll(&pending, 1, Int32(clamping: remaining))
        } while ready < 0 && errno == EINTR
        // Continue even after a timeout: on the empty non-blocking socket it fails and frees
        // the half-open connection, which qb_ipcc_disconnect would not (Pacemaker does the same).
        let rc = qb_ipcc_connect_continue(handle)
        guard rc == 0 else {
            if ready == 0 { throw .timedOut(after: timeout) }
            throw connectError(name: name, errno: -rc)
        }
        // Anyone may publish an abstract socket name: before a byte of a request goes out,
        // check that the server is root (the daemon) or this very user (as Pacemaker's
        // crm_ipc_is_authentic_process does), so a squatter never receives a command.
        var pid: pid_t = 0, uid: uid_t = 0, gid: gid_t = 0
        guard qb_ipcc_auth_get(handle, &pid, &uid, &gid) == 0, uid == 0 || uid == geteuid() else {
            qb_ipcc_disconnect(handle)
            throw .untrustedServer(name: name, pid: pid, uid: uid)
        }
        return IPCClient(name: name, maxMessageSize: maxMessageSize, handle: handle)
    }

    private static func connectError(name: String, errno code: Int32) -> IPCError {
        switch code {
        case ECONNREFUSED, ENOENT: return .daemonNotRunning(name: name)
        case EACCES, EPERM: return .permissionDenied(name: name)
        case EMFILE, ENFILE, EUSERS: return .tooManyConnections(name: name)
        default: return .connectFailed(name: name, errno: code)
        }
    }

    /// Sends `payload` and waits up to `timeout` for the server's reply.
    ///
    /// After a timeout the connection stays usable: a late reply to the abandoned request is
    /// recognised by its id and skipped.
    /// - Throws: `messageTooLarge(size:limit:)` (nothing sent, or the server refused it),
    ///   `timedOut(after:)`, `connectionLost(name:)`, `replyTooLarge`, `noReply`,
    ///   `malformedMessage`, `clientClosed`.
    public func request(_ payload: [UInt8], timeout: Duration) throws(IPCError) -> [UInt8] {
        guard let handle else { throw .clientClosed(name: name) }
        guard payload.count <= maxMessageSize else {
            throw .messageTooLarge(size: payload.count, limit: maxMessageSize)
        }
        nextID = nextID == Int32.max ? 1 : nextID + 1
        let id = nextID
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var header = IPCWire.requestHeader(id: id, payloadCount: payload.count)
        // Array.withUnsafeBytes only rethrows untyped errors, hence the Result.
        try withUnsafeBytes(of: &header) { headerBytes in
            payload.withUnsafeBytes { payloadBytes in
                Result { () throws(IPCError) in
                    try send(handle, [headerBytes, payloadBytes], payloadCount: payload.count,
                             deadline: deadline, timeout: timeout)
                }
            }
        }.get()
        return try receive(handle, id: id, payloadCount: payload.count, deadline: deadline, timeout: timeout)
    }

    /// Closes the connection; later requests fail with `clientClosed`. Idempotent.
    public func close() {
        guard let handle else { return }
        self.handle = nil
        qb_ipcc_disconnect(handle)
    }

    /// Sends `bytes` verbatim, without a header, and returns the first reply's payload (any id):
    /// for tests that feed the server garbage.
    @_spi(Testing)
    public func requestRaw(_ bytes: [UInt8], timeout: Duration) throws(IPCError) -> [UInt8] {
        guard let handle else { throw .clientClosed(name: name) }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        try bytes.withUnsafeBytes { raw in
            Result { () throws(IPCError) in
                try send(handle, [raw], payloadCount: bytes.count, deadline: deadline, timeout: timeout)
            }
        }.get()
        return try receive(handle, id: nil, payloadCount: bytes.count, deadline: deadline, timeout: timeout)
    }

    private func send(_ handle: OpaquePointer, _ parts: [UnsafeRawBufferPointer], payloadCount: Int,
                      deadline: ContinuousClock.Instant, timeout: Duration) throws(IPCError) {
        var iov = parts.filter { $0.count > 0 }.map {
            iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count)
        }
        while true {
            let rc = qb_ipcc_sendv(handle, &iov, iov.count)
            if rc >= 0 { return }
            switch Int32(-rc) {
            case EAGAIN, ETIMEDOUT:
                // The request ring is full (flow control): wait for the server to drain it.
                guard ContinuousClock.now < deadline else { throw .timedOut(after: timeout) }
                usleep(1000)
            case EMSGSIZE:
                throw .messageTooLarge(size: payloadCount,
                                       limit: Int(qb_ipcc_get_buffer_size(handle)) - IPCWire.requestHeaderSize)
            case ENOTCONN, ESHUTDOWN, ECONNRESET, EPIPE:
                throw .connectionLost(name: name)
            case let code:
                throw .sendFailed(name: name, errno: code)
            }
        }
    }

    /// Waits for the reply with `id` (any reply when nil), skipping replies to older requests.
    private func receive(_ handle: OpaquePointer, id: Int32?, payloadCount: Int,
                         deadline: ContinuousClock.Instant, timeout: Duration) throws(IPCError) -> [UInt8] {
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw .timedOut(after: timeout) }
            // Short slices: between them libqb checks the socket, so a dead server shows quickly.
            let slice = Int32(clamping: min(max(IPCError.milliseconds(remaining), 1), 250))
            let rc = qb_ipcc_recv(handle, buffer.baseAddress, buffer.count, slice)
            if rc < 0 {
                switch Int32(-rc) {
                case EAGAIN, ETIMEDOUT:
                    if qb_ipcc_is_connected(handle) == 0 { throw .connectionLost(name: name) }
                    continue
                case ENOTCONN, ESHUTDOWN, ECONNRESET, EPIPE:
                    throw .connectionLost(name: name)
                case let code:
                    throw qb_ipcc_is_connected(handle) == 0
                        ? .connectionLost(name: name) : .receiveFailed(name: name, errno: code)
                }
            }
            guard rc >= IPCWire.responseHeaderSize else {
                throw .malformedMessage(detail: "reply of \(rc) bytes is shorter than its header")
            }
            let header = buffer.loadUnaligned(as: qb_ipc_response_header.self)
            if let id, header.id != id { continue }  // a late reply to a request that timed out
            let size = Int(header.size)
            guard size >= IPCWire.responseHeaderSize, size <= rc else {
                throw .malformedMessage(detail: "reply declares \(size) bytes but \(rc) arrived")
            }
            let body = Array(buffer[IPCWire.responseHeaderSize..<size])
            return try Self.check(header.error, body: body[...], payloadCount: payloadCount, name: name)
        }
    }

    /// Turns a reply's error field into the matching `IPCError` (see `IPCWire`).
    private static func check(_ error: Int32, body: ArraySlice<UInt8>, payloadCount: Int,
                              name: String) throws(IPCError) -> [UInt8] {
        switch -error {
        case 0:
            return Array(body)
        case EMSGSIZE:
            throw .messageTooLarge(size: payloadCount, limit: Int(IPCWire.decode(body, index: 0) ?? -1))
        case E2BIG:
            throw .replyTooLarge(size: Int(IPCWire.decode(body, index: 0) ?? -1),
                                 limit: Int(IPCWire.decode(body, index: 1) ?? -1))
        case EBADMSG:
            throw .malformedMessage(detail: "the daemon refused the request: " + String(decoding: body, as: UTF8.self))
        case ENOMSG:
            throw .noReply(name: name)
        case let code:
            throw .receiveFailed(name: name, errno: code)
        }
    }
}
