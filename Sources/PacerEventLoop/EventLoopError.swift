// SPDX-License-Identifier: GPL-2.0-or-later
import Glibc

/// What went wrong in the event loop.
///
/// Descriptions are lowercase clauses without a full stop, ready for `pacer: ` (CONVENTIONS.md §4).
public enum EventLoopError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The loop's epoll set could not be created.
    case loopCreateFailed(errno: Int32)
    /// The loop's wake-up eventfd could not be created or watched.
    case wakeupFailed(errno: Int32)
    /// `EventLoop.watch(fd:)` was refused (already watched: `EEXIST`; not pollable: `EPERM`).
    case watchFailed(fd: Int32, errno: Int32)

    public var description: String {
        switch self {
        case .loopCreateFailed(let e):
            return "cannot create the event loop: \(Self.text(e))"
        case .wakeupFailed(let e):
            return "cannot create the event loop's wake-up eventfd: \(Self.text(e))"
        case .watchFailed(let fd, let e):
            return "cannot watch file descriptor \(fd): \(Self.text(e))"
        }
    }

    static func text(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: message).lowercased()) (errno \(code))"
    }
}
