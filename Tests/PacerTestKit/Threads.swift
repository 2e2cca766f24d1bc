// SPDX-License-Identifier: GPL-2.0-or-later
public import Foundation
public import PacerEventLoop

/// Moves loop-confined objects into `@Sendable` closures that only the loop thread runs.
public struct Unchecked<Value>: @unchecked Sendable {
    public var value: Value
    public init(_ value: Value) { self.value = value }
}

/// A thread-safe list, for results gathered on the loop thread or on client threads.
public final class Collected<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []
    public init() {}
    public func append(_ item: Element) { lock.withLock { items.append(item) } }
    public var all: [Element] { lock.withLock { items } }
}

/// An `EventLoop` running on a thread of its own.
public final class LoopThread: @unchecked Sendable {
    public let loop: EventLoop
    private let finished = DispatchSemaphore(value: 0)
    private var started = false

    public init() throws {
        loop = try EventLoop()
    }

    public func start() {
        started = true
        let loop = loop, finished = finished
        let thread = Thread { loop.run(); finished.signal() }
        thread.start()
    }

    /// Runs `body` on the loop thread and waits for its result.
    public func sync<T>(_ body: @escaping () -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let result = Collected<T>()
        let work = Unchecked(body)
        loop.post { result.append(work.value()); done.signal() }
        done.wait()
        return result.all[0]
    }

    public func stop() {
        loop.stop()
        if started { finished.wait() }
    }
}

/// Runs `body` on `count` threads at once and waits for all of them.
public func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread { body(index); group.leave() }.start()
    }
    group.wait()
}

/// Runs `body` on its own thread; nil if it has not finished after `seconds` (a writer then
/// opens the FIFO at `unblocking`, so a reader stuck in open(2) gets out and the test process can end).
public func withTimeout<T: Sendable>(seconds: Double, unblocking fifo: String, _ body: @escaping @Sendable () -> T) -> T? {
    let box = ResultBox<T>(), done = DispatchSemaphore(value: 0)
    Thread.detachNewThread { box.value = body(); done.signal() }
    if done.wait(timeout: .now() + seconds) == .timedOut {
        let fd = open(fifo, O_WRONLY | O_NONBLOCK)
        if fd >= 0 { close(fd) }
        _ = done.wait(timeout: .now() + 5)
        return nil
    }
    return box.value
}

/// Where a timed-out thread's result lands (written once, read after the semaphore).
public final class ResultBox<T>: @unchecked Sendable {
    public var value: T?
    public init() {}
}
