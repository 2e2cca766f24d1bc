// SPDX-License-Identifier: GPL-2.0-or-later
import CPacerSys
import Glibc

/// The daemon's single-threaded event loop: an epoll set, a timerfd for its timers, and an
/// eventfd so other threads can hand it work.
///
/// Why not libqb's `qb_loop_t`: libqb keeps one signal pipe for all the loops of a process,
/// created by the first loop and closed by whichever loop ends, without a lock; with loops on
/// several threads (tests, tools) that closed descriptors other code had been given and
/// crashed libqb. This loop owns exactly the three descriptors it opens.
///
/// Threads: `run()` turns the calling thread into the *loop thread* until `stop()`. `post(_:)`
/// and `stop()` may be called from any thread. Everything else (`addTimer`, `cancelTimer`,
/// `watch`, `unwatch`, and what the targets built on the loop say belongs to it: PacerIPC's
/// `IPCServer` and `IPCRequest.reply(_:)`, PacerHeartbeat's `HeartbeatShell`)
/// belongs to the loop thread — or to any one thread while the loop is not running, which is
/// how a daemon sets itself up before calling `run()`. Misuse is caught by a precondition.
public final class EventLoop: @unchecked Sendable {
    /// The epoll set every watched descriptor is in.
    let epollFD: Int32
    /// eventfd that `post` and `stop` write to wake the loop.
    private let wakeFD: Int32

    // Shared with other threads, guarded by `lock`.
    private let lock = Lock()
    private var queue: [@Sendable () -> Void] = []
    private var stopRequested = false
    private var running = false

    // Loop-thread state (see EventLoop+Timers.swift and EventLoop+Watch.swift).
    var timerQueue: TimerQueue
    var nextTimerID: UInt64 = 0
    var watches: [Int32: Watch] = [:]
    var nextWatchGeneration: UInt32 = 0
    var jobs: [() -> Void] = []
    /// What one `epoll_wait` reported (see `pass()`).
    var readyTokens = [UInt64](repeating: 0, count: 64), readyEvents = [UInt32](repeating: 0, count: 64)
    private var stopping = false

    /// Creates a loop that is not yet running.
    /// - Throws: `EventLoopError.loopCreateFailed` or `.wakeupFailed(errno:)` when the kernel
    ///   refuses (out of memory or file descriptors).
    public init() throws(EventLoopError) {
        let epollFD = pacer_epoll_create()
        guard epollFD >= 0 else { throw .loopCreateFailed(errno: errno) }
        let fd = pacer_eventfd()
        let timerFD = pacer_timerfd_create()
        guard fd >= 0, timerFD >= 0 else {
            let e = errno
            if fd >= 0 { close(fd) }
            if timerFD >= 0 { close(timerFD) }
            close(epollFD)
            throw .wakeupFailed(errno: e)
        }
        self.epollFD = epollFD
        wakeFD = fd
        timerQueue = TimerQueue(fd: timerFD)
        // Unowned: the loop owns its watches. Timers go first in a pass (heartbeats are due).
        let rc = addWatch(fd: fd, events: UInt32(POLLIN)) { [unowned self] _ in drain(); return true }
        let timerRC = addWatch(fd: timerFD, events: UInt32(POLLIN), first: true) { [unowned self] _ in
            runDueTimers()
            return true
        }
        guard rc == 0, timerRC == 0 else {
            // deinit closes the descriptors.
            throw .wakeupFailed(errno: rc != 0 ? rc : timerRC)
        }
    }

    deinit {
        precondition(!running, "EventLoop released while run() is still executing")
        close(timerQueue.fd)
        close(wakeFD)
        close(epollFD)
    }

    /// Runs the loop on the calling thread, which becomes the loop thread, until `stop()`.
    ///
    /// A `stop()` that came before `run()` makes it return after one pass. Call from one
    /// thread at a time.
    public func run() {
        lock.withLock {
            precondition(!running, "EventLoop.run() called while the loop already runs on another thread")
            running = true
        }
        let previous = pthread_getspecific(currentLoopKey)
        pthread_setspecific(currentLoopKey, Unmanaged.passUnretained(self).toOpaque())
        repeat { pass() } while !stopping
        stopping = false
        pthread_setspecific(currentLoopKey, previous)
        lock.withLock { running = false }
    }

    /// Asks `run()` to return once the work already posted has run. Any thread.
    public func stop() {
        lock.withLock { stopRequested = true }
        wake()
    }

    /// Runs `work` on the loop thread, in the order posted. Any thread.
    ///
    /// Work posted while the loop is not running waits for the next `run()`.
    public func post(_ work: @escaping @Sendable () -> Void) {
        lock.withLock { queue.append(work) }
        wake()
    }

    /// True on the thread now inside this loop's `run()`.
    public var isLoopThread: Bool {
        pthread_getspecific(currentLoopKey) == Unmanaged.passUnretained(self).toOpaque()
    }

    /// Stops with a message naming `api` when called off the loop thread while the loop runs.
    package func preconditionLoopThread(_ api: StaticString) {
        if isLoopThread { return }
        let running = lock.withLock { self.running }
        precondition(!running, "\(api) called off the loop thread while the loop runs; use post(_:)")
    }

    /// Makes this loop the "current" one on the calling thread for `body`, so libqb's IPC
    /// poll callbacks (which carry no context) find it; `run()` does the same for its thread.
    package func withCurrent<T>(_ body: () -> T) -> T {
        let previous = pthread_getspecific(currentLoopKey)
        pthread_setspecific(currentLoopKey, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(currentLoopKey, previous) }
        return body()
    }

    /// The loop that is current on this thread (see `withCurrent`), if any.
    package static var current: EventLoop? {
        guard let raw = pthread_getspecific(currentLoopKey) else { return nil }
        return Unmanaged<EventLoop>.fromOpaque(raw).takeUnretainedValue()
    }

    private func wake() {
        var one: UInt64 = 1
        // EAGAIN means the counter is saturated: the loop is awake anyway.
        _ = write(wakeFD, &one, MemoryLayout<UInt64>.size)
    }

    /// Loop thread: runs everything posted so far, then honours a pending `stop()`.
    private func drain() {
        var counter: UInt64 = 0
        _ = read(wakeFD, &counter, MemoryLayout<UInt64>.size)
        let (work, stopNow) = lock.withLock {
            let work = queue
            queue.removeAll()
            let stopNow = stopRequested
            stopRequested = false
            return (work, stopNow)
        }
        for item in work { item() }
        if stopNow { stopping = true }
    }
}

/// Thread-specific slot holding the `EventLoop` current on that thread (unretained).
let currentLoopKey: pthread_key_t = {
    var key = pthread_key_t()
    let rc = pthread_key_create(&key, nil)
    precondition(rc == 0, "pthread_key_create failed: \(rc)")
    return key
}()
