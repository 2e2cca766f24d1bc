// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerEventLoop
import PacerTestKit
import Testing

@Suite("event loop")
struct EventLoopTests {
    @Test("timers fire in deadline order and a cancelled timer never fires")
    func timersInOrder() throws {
        let loop = try EventLoop()
        var fired: [String] = []
        loop.addTimer(after: .milliseconds(30)) { fired.append("c") }
        loop.addTimer(after: .milliseconds(10)) { fired.append("a") }
        let cancelled = loop.addTimer(after: .milliseconds(15)) { fired.append("cancelled") }
        loop.addTimer(after: .milliseconds(20)) { fired.append("b") }
        loop.addTimer(after: .zero) { fired.append("first") }
        loop.addTimer(after: .milliseconds(5)) { loop.cancelTimer(cancelled) }
        loop.addTimer(after: .milliseconds(40)) { loop.stop() }
        let start = ContinuousClock.now
        loop.run()
        #expect(fired == ["first", "a", "b", "c"])
        #expect(ContinuousClock.now - start >= .milliseconds(40))
    }

    @Test("a timer added from a timer, and cancelling a fired timer, are fine")
    func timerFromTimer() throws {
        let loop = try EventLoop()
        var fired: [Int] = []
        var first: TimerID?
        first = loop.addTimer(after: .milliseconds(1)) {
            fired.append(1)
            loop.cancelTimer(first!)  // already fired: ignored
            loop.addTimer(after: .milliseconds(1)) { fired.append(2); loop.stop() }
        }
        loop.run()
        #expect(fired == [1, 2])
    }

    @Test("work posted from many threads runs on the loop thread, FIFO per thread")
    func postFromManyThreads() throws {
        let thread = try LoopThread()
        let loop = thread.loop
        let seen = Unchecked(NSMutableArray())  // only touched on the loop thread
        let offLoop = Collected<Int>()
        thread.start()
        onThreads(8) { sender in
            for seq in 0..<500 {
                loop.post {
                    if !loop.isLoopThread { offLoop.append(sender) }
                    seen.value.add([sender, seq])
                }
            }
        }
        let entries = thread.sync { seen.value.compactMap { $0 as? [Int] } }
        thread.stop()
        #expect(offLoop.all.isEmpty)
        #expect(entries.count == 8 * 500)
        for sender in 0..<8 {
            #expect(entries.filter { $0[0] == sender }.map { $0[1] } == Array(0..<500))
        }
    }

    @Test("stop from another thread returns run, and a stop before run is not lost")
    func stopFromAnotherThread() throws {
        let early = try EventLoop()
        early.post { }
        early.stop()
        early.run()  // returns at once

        let thread = try LoopThread()
        thread.start()
        let ran = Collected<Bool>()
        thread.loop.post { ran.append(true) }
        thread.stop()
        #expect(ran.all == [true])
    }

    @Test("watch calls back while a pipe is readable (level-triggered) and unwatch stops it")
    func watchAndUnwatch() throws {
        let loop = try EventLoop()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        var reads: [UInt8] = []
        try loop.watch(fd: fds[0]) {
            var byte: UInt8 = 0
            if read(fds[0], &byte, 1) == 1 { reads.append(byte) }  // one byte per call
            if reads.count == 3 { loop.unwatch(fd: fds[0]) }
        }
        #expect(throws: EventLoopError.watchFailed(fd: fds[0], errno: EEXIST)) {
            try loop.watch(fd: fds[0]) {}
        }
        let bytes: [UInt8] = [1, 2, 3, 4, 5]
        #expect(write(fds[1], bytes, 5) == 5)
        loop.addTimer(after: .milliseconds(50)) { loop.stop() }
        loop.run()
        #expect(reads == [1, 2, 3])
        // The unread bytes are still there: nothing read after unwatch.
        var rest = [UInt8](repeating: 0, count: 8)
        #expect(read(fds[0], &rest, 8) == 2)
        loop.unwatch(fd: fds[0])  // twice: ignored
    }

    @Test("an event collected for a descriptor unwatched in the same pass never reaches the descriptor that reuses its number")
    func staleEventDropped() throws {
        let loop = try EventLoop()
        var first: [Int32] = [0, 0], second: [Int32] = [0, 0]
        #expect(pipe(&first) == 0 && pipe(&second) == 0)
        var byte: UInt8 = 1
        // Both readable before the loop runs: one epoll_wait reports both.
        #expect(write(first[1], &byte, 1) == 1 && write(second[1], &byte, 1) == 1)
        var calledFirst = 0, calledSecond = 0, calledReuse = 0
        var reuse: [Int32] = [-1, -1]
        // Whichever of the two is dispatched first drops the other, closes it, and watches a new
        // empty pipe that gets the freed number: the other's pending event must be dropped.
        func replace(_ other: inout [Int32]) {
            loop.unwatch(fd: other[0])
            let number = other[0]
            close(other[0]); close(other[1])
            other = [-1, -1]
            guard pipe(&reuse) == 0 else { return }
            #expect(reuse[0] == number || reuse[1] == number)
            let readEnd = reuse[0]
            try? loop.watch(fd: readEnd) { calledReuse += 1 }
            // The write end may have taken the number instead: watch it too (never readable).
            if reuse[1] == number { try? loop.watch(fd: reuse[1]) { calledReuse += 1 } }
        }
        try loop.watch(fd: first[0]) {
            calledFirst += 1
            var b: UInt8 = 0
            _ = read(first[0], &b, 1)
            if calledSecond == 0 && second[0] >= 0 { replace(&second) }
        }
        try loop.watch(fd: second[0]) {
            calledSecond += 1
            var b: UInt8 = 0
            _ = read(second[0], &b, 1)
            if calledFirst == 0 && first[0] >= 0 { replace(&first) }
        }
        loop.addTimer(after: .milliseconds(50)) { loop.stop() }
        loop.run()
        #expect(calledFirst + calledSecond == 1, "only the descriptor dispatched first ran")
        #expect(calledReuse == 0, "the stale event reached the new descriptor")
        for fd in first + second + reuse where fd >= 0 { loop.unwatch(fd: fd); close(fd) }
    }

    @Test("watching something epoll refuses names the fd")
    func watchRegularFile() throws {
        let loop = try EventLoop()
        let fd = open("/proc/self/stat", O_RDONLY)
        defer { close(fd) }
        #expect(throws: EventLoopError.watchFailed(fd: fd, errno: EPERM)) { try loop.watch(fd: fd) {} }
        #expect(EventLoopError.watchFailed(fd: 7, errno: EPERM).description
            == "cannot watch file descriptor 7: operation not permitted (errno 1)")
    }

    @Test("loops made and ended on many threads never close a descriptor they did not open")
    func loopsKeepToTheirOwnDescriptors() throws {
        // Each thread makes and ends loops while this one uses pipes of its own: a loop that
        // closes a descriptor it does not own (libqb's qb_loop shares one signal pipe among all
        // the loops of a process and closes it in whichever loop ends) breaks one of these pipes.
        let broken = Collected<String>()
        let done = Collected<Int>()
        let churn = DispatchGroup()
        for _ in 0..<3 {
            churn.enter()
            Thread {
                for _ in 0..<400 {
                    guard let loop = try? EventLoop() else { broken.append("a loop could not be made"); break }
                    loop.stop()
                    loop.run()
                }
                done.append(1)
                churn.leave()
            }.start()
        }
        var rounds = 0
        while done.all.count < 3 || rounds < 200 {
            rounds += 1
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { broken.append("pipe: errno \(errno)"); break }
            var byte: UInt8 = 7
            if write(fds[1], &byte, 1) != 1 { broken.append("write to its own pipe: errno \(errno)") }
            usleep(20)
            if read(fds[0], &byte, 1) != 1 { broken.append("read from its own pipe: errno \(errno)") }
            if close(fds[0]) != 0 { broken.append("close of its own pipe: errno \(errno)") }
            if close(fds[1]) != 0 { broken.append("close of its own pipe: errno \(errno)") }
        }
        churn.wait()
        #expect(broken.all.isEmpty, "\(broken.all.count) failures in \(rounds) rounds, first: \(broken.all.first ?? "")")
    }
}
