// SPDX-License-Identifier: GPL-2.0-or-later
import Glibc

/// What went wrong in the IPC between `pacer` and `pacerd` (the loop's own errors are
/// `EventLoopError`).
///
/// Descriptions are lowercase clauses without a full stop, ready for `pacer: ` (CONVENTIONS.md §4).
public enum IPCError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Another process already serves IPC under this name.
    case nameInUse(name: String)
    /// libqb could not create or publish the IPC server.
    case serverStartFailed(name: String, errno: Int32)
    /// Nothing listens under this name: the daemon is not running.
    case daemonNotRunning(name: String)
    /// The daemon refused the connection's credentials.
    case permissionDenied(name: String)
    /// Connecting failed for another reason.
    case connectFailed(name: String, errno: Int32)
    /// The process serving the name is neither root nor this client's own user: it is not
    /// the daemon (someone claimed the name first), so nothing was sent to it.
    case untrustedServer(name: String, pid: Int32, uid: UInt32)
    /// The server has as many connections as it takes (from this user, or in all).
    case tooManyConnections(name: String)
    /// A request's payload is larger than the limit (checked by the client before sending,
    /// and by the server, whose limit may be smaller).
    case messageTooLarge(size: Int, limit: Int)
    /// The daemon's reply did not fit into the connection's buffer, so it sent none.
    case replyTooLarge(size: Int, limit: Int)
    /// No reply came within the request's timeout.
    case timedOut(after: Duration)
    /// The daemon closed the connection (it stopped or crashed) before replying.
    case connectionLost(name: String)
    /// The daemon dropped the request without replying.
    case noReply(name: String)
    /// The peer sent bytes that are not a Pacer IPC message.
    case malformedMessage(detail: String)
    /// Sending or receiving failed with an unexpected errno.
    case sendFailed(name: String, errno: Int32)
    case receiveFailed(name: String, errno: Int32)
    /// The client was used after `close()`.
    case clientClosed(name: String)

    public var description: String {
        switch self {
        case .nameInUse(let name):
            return "IPC name '\(name)' is already served by another process; is the daemon already running?"
        case .serverStartFailed(let name, let e):
            return "cannot start IPC server '\(name)': \(Self.text(e))"
        case .daemonNotRunning(let name):
            return "the daemon is not running (nothing serves IPC name '\(name)')"
        case .permissionDenied(let name):
            return "the daemon refused the connection to '\(name)': permission denied (only root and members of haclient may use the cluster)"
        case .connectFailed(let name, let e):
            return "cannot connect to IPC name '\(name)': \(Self.text(e))"
        case .untrustedServer(let name, let pid, let uid):
            return "IPC name '\(name)' is served by process \(pid) of uid \(uid), not by the daemon (root): refusing to talk to it"
        case .tooManyConnections(let name):
            return "the daemon refused the connection to '\(name)': too many connections (from this user, or in all)"
        case .messageTooLarge(let size, let limit):
            return "request of \(size) bytes exceeds the IPC limit of \(limit) bytes and was not processed"
        case .replyTooLarge(let size, let limit):
            return "reply of \(size) bytes exceeds the IPC limit of \(limit) bytes; the daemon sent none"
        case .timedOut(let after):
            return "no reply from the daemon within \(Self.milliseconds(after)) ms"
        case .connectionLost(let name):
            return "the daemon closed IPC connection '\(name)' before replying"
        case .noReply(let name):
            return "the daemon dropped the request on '\(name)' without replying"
        case .malformedMessage(let detail):
            return "malformed IPC message: \(detail)"
        case .sendFailed(let name, let e):
            return "cannot send on IPC connection '\(name)': \(Self.text(e))"
        case .receiveFailed(let name, let e):
            return "cannot receive on IPC connection '\(name)': \(Self.text(e))"
        case .clientClosed(let name):
            return "IPC connection '\(name)' was already closed"
        }
    }

    static func text(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: message).lowercased()) (errno \(code))"
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
