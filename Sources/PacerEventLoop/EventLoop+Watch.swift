// SPDX-License-Identifier: GPL-2.0-or-later
import CQB
import Glibc

/// A watched descriptor's closure; the loop's `watches` table owns it, libqb holds it unretained.
final class WatchBox {
    let fd: Int32
    let onReadable: () -> Void

    init(fd: Int32, onReadable: @escaping () -> Void) {
        self.fd = fd
        self.onReadable = onReadable
    }
}

extension EventLoop {
    /// Calls `onReadable` on the loop thread whenever `fd` is readable (level-triggered: again
    /// on every pass until the data is read), and also on hang-up or error so the caller sees
    /// EOF. Call ``unwatch(fd:)`` before closing `fd`.
    ///
    /// Loop thread only (or before `run()`).
    /// - Throws: `EventLoopError.watchFailed(fd:errno:)` if `fd` is already watched (`EEXIST`) or
    ///   is not a descriptor epoll accepts.
    public func watch(fd: Int32, _ onReadable: @escaping () -> Void) throws(EventLoopError) {
        preconditionLoopThread("EventLoop.watch")
        guard watches[fd] == nil else { throw .watchFailed(fd: fd, errno: EEXIST) }
        let box = WatchBox(fd: fd, onReadable: onReadable)
        let rc = qb_loop_poll_add(handle, QB_LOOP_MED, fd, Int32(POLLIN),
                                  Unmanaged.passUnretained(box).toOpaque(), Self.onReadable)
        guard rc == 0 else { throw .watchFailed(fd: fd, errno: -rc) }
        watches[fd] = box
    }

    /// Stops watching `fd`; an unwatched descriptor is ignored. Safe inside its own callback.
    ///
    /// Loop thread only (or before `run()`).
    public func unwatch(fd: Int32) {
        preconditionLoopThread("EventLoop.unwatch")
        guard watches.removeValue(forKey: fd) != nil else { return }
        _ = qb_loop_poll_del(handle, fd)
    }

    private static let onReadable: qb_loop_poll_dispatch_fn = { _, _, data in
        guard let data else { return 0 }
        // A strong local keeps the box alive even if the callback unwatches its own fd.
        let box = Unmanaged<WatchBox>.fromOpaque(data).takeUnretainedValue()
        box.onReadable()
        return 0
    }
}
