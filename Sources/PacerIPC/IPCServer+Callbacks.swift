// SPDX-License-Identifier: GPL-2.0-or-later
import CQB
import Glibc
import PacerEventLoop

// libqb calls these C function pointers; they cannot capture, so they find the Swift objects
// through context pointers (CONVENTIONS.md §3): the service context is the IPCServer (unretained,
// cleared by qb_ipcs_destroy in shutdown), the connection context an IPCConnection (retained).

private func server(of connection: OpaquePointer) -> IPCServer? {
    guard let raw = qb_ipcs_connection_service_context_get(connection) else { return nil }
    return Unmanaged<IPCServer>.fromOpaque(raw).takeUnretainedValue()
}

private func context(of connection: OpaquePointer) -> IPCConnection? {
    guard let raw = qb_ipcs_context_get(connection) else { return nil }
    return Unmanaged<IPCConnection>.fromOpaque(raw).takeUnretainedValue()
}

/// Only root and members of the writer group may connect (the CIB holds secrets, as
/// Pacemaker's IPC is for `haclient` only); within the server's connection limits.
let ipcsAccept: qb_ipcs_connection_accept_fn = { connection, uid, gid in
    guard let connection, let server = server(of: connection) else { return -EACCES }
    let mayWrite = IPCClientIdentity.mayWrite(uid: uid, gid: gid, writerGroup: server.writerGroup)
    guard mayWrite else { return -EACCES }
    guard server.admit(uid: uid) else { return -EUSERS }
    var stats = qb_ipcs_connection_stats()
    _ = qb_ipcs_connection_stats_get(connection, &stats, 0)
    let identity = IPCClientIdentity(pid: stats.client_pid, uid: uid, gid: gid, mayWrite: mayWrite)
    let box = IPCConnection(handle: connection, identity: identity, loop: server.loop)
    qb_ipcs_context_set(connection, Unmanaged.passRetained(box).toOpaque())
    return 0
}

let ipcsProcess: qb_ipcs_msg_process_fn = { connection, data, size in
    guard let connection, let data, let server = server(of: connection), let box = context(of: connection) else {
        return 0
    }
    server.process(box, message: UnsafeRawPointer(data), declaredSize: size)
    return 0  // negative would ask libqb to back off
}

/// The client went away (or the server shuts down): later replies are dropped.
let ipcsClosed: qb_ipcs_connection_closed_fn = { connection in
    if let connection { context(of: connection)?.handle = nil }
    return 0  // non-zero would make libqb call us again later
}

/// libqb frees the connection after this: release our context.
let ipcsDestroyed: qb_ipcs_connection_destroyed_fn = { connection in
    guard let connection, let raw = qb_ipcs_context_get(connection) else { return }
    qb_ipcs_context_set(connection, nil)
    let box = Unmanaged<IPCConnection>.fromOpaque(raw).takeRetainedValue()
    box.handle = nil
    server(of: connection)?.release(uid: box.identity.uid)
}

// qb_ipcs_poll_handlers carry no context either: they act on the loop current on this
// thread, which EventLoop.run() (and withCurrent around qb_ipcs_run/destroy) sets.

private func currentLoop(_ what: StaticString) -> EventLoop {
    guard let loop = EventLoop.current else {
        preconditionFailure("libqb IPC called \(what) outside EventLoop.run() and IPCServer setup")
    }
    return loop
}

let ipcsJobAdd: qb_ipcs_job_add_fn = { _, data, dispatch in
    guard let dispatch else { return -EINVAL }
    let context = Unchecked(data)
    currentLoop("job_add").addJob { dispatch(context.value) }
    return 0
}

let ipcsDispatchAdd: qb_ipcs_dispatch_add_fn = { _, fd, events, data, dispatch in
    guard let dispatch else { return -EINVAL }
    return -currentLoop("dispatch_add").addWatch(fd: fd, events: UInt32(bitPattern: events), qbDispatch(fd, data, dispatch))
}

let ipcsDispatchMod: qb_ipcs_dispatch_mod_fn = { _, fd, events, data, dispatch in
    guard let dispatch else { return -EINVAL }
    return -currentLoop("dispatch_mod").modifyWatch(fd: fd, events: UInt32(bitPattern: events), qbDispatch(fd, data, dispatch))
}

let ipcsDispatchDel: qb_ipcs_dispatch_del_fn = { fd in
    -currentLoop("dispatch_del").removeWatch(fd: fd)
}

/// A libqb dispatch function as a watch handler: a negative return ends the watch, as
/// qb_loop does.
private func qbDispatch(_ fd: Int32, _ data: UnsafeMutableRawPointer?,
                        _ dispatch: @escaping qb_ipcs_dispatch_fn_t) -> (UInt32) -> Bool {
    let context = Unchecked(data)
    return { events in dispatch(fd, Int32(bitPattern: events), context.value) >= 0 }
}

/// libqb's context pointer, carried into a closure that only the loop thread runs.
private struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
