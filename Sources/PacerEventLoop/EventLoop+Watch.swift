// SPDX-License-Identifier: GPL-2.0-or-later
import CPacerSys
import Glibc

/// A watched descriptor: what to call when it is ready. Its epoll entry carries the fd and
/// this watch's generation, so an event that was already collected for a descriptor unwatched
/// (and perhaps reused and watched again) in the same pass is dropped, not misdelivered.
final class Watch {
    let generation: UInt32
    /// Dispatched before the others of a pass (the timerfd: heartbeats are due on time).
    let first: Bool
    /// Called with the events that happened (poll(2) bits); false stops the watch.
    var handler: (UInt32) -> Bool

    init(generation: UInt32, first: Bool, handler: @escaping (UInt32) -> Bool) {
        self.generation = generation
        self.first = first
        self.handler = handler
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
        let rc = addWatch(fd: fd, events: UInt32(POLLIN)) { _ in onReadable(); return true }
        guard rc == 0 else { throw .watchFailed(fd: fd, errno: rc) }
    }

    /// Stops watching `fd`; an unwatched descriptor is ignored. Safe inside its own callback.
    ///
    /// Loop thread only (or before `run()`).
    public func unwatch(fd: Int32) {
        preconditionLoopThread("EventLoop.unwatch")
        _ = removeWatch(fd: fd)
    }

    /// Watches `fd` for `events` (poll(2) bits; errors and hang-ups always come); `handler`
    /// gets the events that happened and returns false to stop watching. 0 or an errno value
    /// (`EEXIST` when `fd` is watched already). Loop thread only (or before `run()`).
    package func addWatch(fd: Int32, events: UInt32, first: Bool = false, _ handler: @escaping (UInt32) -> Bool) -> Int32 {
        guard watches[fd] == nil else { return EEXIST }
        nextWatchGeneration &+= 1
        let watch = Watch(generation: nextWatchGeneration, first: first, handler: handler)
        let rc = pacer_epoll_add(epollFD, fd, events, Self.token(fd: fd, generation: watch.generation))
        guard rc == 0 else { return rc }
        watches[fd] = watch
        return 0
    }

    /// Changes what a watched `fd` waits for and whom it calls; 0 or an errno value (`ENOENT`
    /// when it is not watched).
    package func modifyWatch(fd: Int32, events: UInt32, _ handler: @escaping (UInt32) -> Bool) -> Int32 {
        guard let watch = watches[fd] else { return ENOENT }
        let rc = pacer_epoll_modify(epollFD, fd, events, Self.token(fd: fd, generation: watch.generation))
        guard rc == 0 else { return rc }
        watch.handler = handler
        return 0
    }

    /// Stops watching `fd`; 0, or `ENOENT` when it was not watched.
    package func removeWatch(fd: Int32) -> Int32 {
        guard watches.removeValue(forKey: fd) != nil else { return ENOENT }
        // A descriptor already closed has left the epoll set by itself.
        _ = pacer_epoll_remove(epollFD, fd)
        return 0
    }

    /// Runs `body` on the loop thread at the end of this pass (or of the next one, when called
    /// from outside a pass), in the order added. Loop thread only (or before `run()`).
    package func addJob(_ body: @escaping () -> Void) {
        jobs.append(body)
    }

    /// One turn of the loop: waits for ready descriptors (not at all when jobs are waiting),
    /// dispatches them (the `first` ones first), then runs the jobs added so far.
    func pass() {
        let count = pacer_epoll_wait(epollFD, &readyTokens, &readyEvents, Int32(readyTokens.count), jobs.isEmpty ? -1 : 0)
        if count < 0 {
            precondition(errno == EINTR, "epoll_wait failed: errno \(errno)")
            return
        }
        dispatchReady(Int(count), first: true)
        dispatchReady(Int(count), first: false)
        var due: [() -> Void] = []
        swap(&due, &jobs)
        for job in due { job() }
    }

    /// Calls the handlers of the `count` ready entries whose watch is `first` (or not).
    private func dispatchReady(_ count: Int, first: Bool) {
        for index in 0..<count {
            let token = readyTokens[index]
            let fd = Int32(truncatingIfNeeded: token & 0xffff_ffff), generation = UInt32(truncatingIfNeeded: token >> 32)
            // Unwatched, or watched anew, since the kernel reported it: not this event's.
            guard let watch = watches[fd], watch.generation == generation, watch.first == first else { continue }
            if !watch.handler(readyEvents[index]), watches[fd] === watch { _ = removeWatch(fd: fd) }
        }
    }

    static func token(fd: Int32, generation: UInt32) -> UInt64 {
        UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
    }
}
