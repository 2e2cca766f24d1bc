// SPDX-License-Identifier: GPL-2.0-or-later
import Glibc
import PacerEventLoop

/// One request from a client, handed to the ``IPCServer`` handler on the loop thread.
///
/// Reply exactly once, at once or later (from a timer, a watched fd, or work posted to the
/// loop), always on the loop thread. If the client has gone meanwhile the reply is dropped
/// quietly. A request released without a reply answers the client with
/// `IPCError.noReply`, so it does not wait for its timeout.
public final class IPCRequest {
    /// The request's bytes, as the client sent them.
    public let payload: [UInt8]
    /// Who sent it, and whether they may write.
    public let client: IPCClientIdentity
    let id: Int32
    let connection: IPCConnection
    private var replied = false

    init(id: Int32, payload: [UInt8], connection: IPCConnection) {
        self.id = id
        self.payload = payload
        self.client = connection.identity
        self.connection = connection
    }

    deinit {
        guard !replied else { return }
        let connection = connection, id = id
        if connection.loop.isLoopThread {
            connection.send(id: id, payload: [], error: -ENOMSG)
        } else {
            let orphan = UncheckedSendable((connection, id))
            connection.loop.post { orphan.value.0.send(id: orphan.value.1, payload: [], error: -ENOMSG) }
        }
    }

    /// Whether the client is still connected (a reply would be delivered).
    public var isClientConnected: Bool { connection.handle != nil }

    /// Sends `payload` to the client. Loop thread only; once per request.
    ///
    /// A reply larger than the connection's buffer is replaced by an error the client reports
    /// as `IPCError.replyTooLarge(size:limit:)`.
    public func reply(_ payload: [UInt8]) {
        connection.loop.preconditionLoopThread("IPCRequest.reply")
        precondition(!replied, "IPCRequest.reply called twice (request \(id) from pid \(client.pid))")
        replied = true
        connection.send(id: id, payload: payload, error: 0)
    }
}

/// Carries loop-confined state through `post`, which only the loop thread will run.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
