// SPDX-License-Identifier: GPL-2.0-or-later
import CPacerSys
#if canImport(Glibc)
import Glibc
#endif

/// One program run to completion in its own process group, with a deadline and bounded capture.
///
/// Guarantees: arguments and environment are passed verbatim (no shell); stdout and
/// stderr are drained continuously, keeping at most `limit` bytes of each; when the
/// deadline passes the whole process group gets SIGTERM, then SIGKILL after `killGrace`,
/// so nothing the program started in its group is left running. A program that exits
/// while a daemon it started still holds the pipes is not waited for beyond a short drain.
public struct ChildProcess: Sendable {
    public var path: String
    public var arguments: [String]
    public var environment: [String]
    public var timeout: Duration
    public var killGrace: Duration = .seconds(2)
    public var limit: Int = 64 * 1024
    /// An open `cgroup.procs` to start the program in (its daemons stay there); -1 for none.
    public var cgroupProcsFD: Int32 = -1
    /// The user and group to run the program as (nil: the caller's).
    public var credentials: Credentials?

    /// A user to run a program as: its uid and one group (also its only supplementary group).
    public struct Credentials: Sendable, Equatable {
        public var uid: UInt32
        public var gid: UInt32
        public init(uid: UInt32, gid: UInt32) { self.uid = uid; self.gid = gid }
    }

    public init(path: String, arguments: [String], environment: [String], timeout: Duration) {
        self.path = path
        self.arguments = arguments
        self.environment = environment
        self.timeout = timeout
    }

    public enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        /// The deadline passed and the process group was killed.
        case timedOut
        /// The program could not be started (errno).
        case spawnFailed(Int32)
    }

    public struct Outcome: Sendable {
        public var termination: Termination
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        /// Bytes produced beyond `limit` (discarded).
        public var stdoutDropped: Int
        public var stderrDropped: Int
        public var elapsed: Duration
        public var pid: Int32
    }

    /// Runs the program on a thread of its own and returns when it is done.
    public func run() async -> Outcome {
        await withCheckedContinuation { continuation in
            // A thread of its own: the agent may run for minutes, and a blocked thread
            // from Dispatch's small global pool would starve other actions.
            DedicatedThread.start { continuation.resume(returning: self.runBlocking()) }
        }
    }

    /// Runs the program on the calling thread.
    public func runBlocking() -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pacer_pipe(&out) == 0, pacer_pipe(&err) == 0 else {
            return failure(errno, started: started, clock: clock)
        }
        var pid: pid_t = 0
        var rc: Int32 = 0
        // ETXTBSY: the agent file is still open for writing somewhere (being installed, or
        // inherited by a process forked meanwhile); it clears within moments, so retry briefly.
        for attempt in 0..<10 {
            rc = withCStrings([path] + arguments) { argv in
                withCStrings(environment) { envp in
                    if let credentials {
                        pacer_spawn_as(path, argv, envp, out[1], err[1], cgroupProcsFD, credentials.uid, credentials.gid, &pid)
                    } else {
                        pacer_spawn_in_cgroup(path, argv, envp, out[1], err[1], cgroupProcsFD, &pid)
                    }
                }
            }
            guard rc == ETXTBSY, attempt < 9 else { break }
            usleep(20_000)
        }
        close(out[1]); close(err[1])
        guard rc == 0 else {
            close(out[0]); close(err[0])
            return failure(rc, started: started, clock: clock)
        }
        let pidfd = pacer_pidfd_open(pid)
        var stdout = Capture(limit: limit), stderr = Capture(limit: limit)
        var termination: Termination?
        var status: Int32 = 0
        let deadline = started + timeout
        var killAt: ContinuousClock.Instant?
        var timedOut = false
        var exitedAt: ContinuousClock.Instant?
        var openFDs = [out[0], err[0]]

        while true {
            let now = clock.now
            if exitedAt == nil, !timedOut, now >= deadline {
                kill(-pid, SIGTERM)
                timedOut = true
                killAt = now + killGrace
            }
            if let at = killAt, now >= at {
                kill(-pid, SIGKILL)
                killAt = nil
            }
            // After exit, give the pipes a brief moment to drain, then stop (a daemon may hold them).
            // What is in the pipes already is read first (the fds do not block): a starved thread
            // may reach this point long after the window opened, with the output still buffered.
            if let exited = exitedAt, openFDs.isEmpty || now >= exited + .milliseconds(50) {
                for fd in openFDs { _ = fd == out[0] ? stdout.read(from: fd) : stderr.read(from: fd) }
                break
            }

            var fds = openFDs.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if exitedAt == nil, pidfd >= 0 { fds.append(pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)) }
            var wait = exitedAt != nil ? 10 : 100
            if pidfd < 0 { wait = 10 }
            _ = poll(&fds, nfds_t(fds.count), Int32(wait))
            for entry in fds where entry.fd != pidfd && entry.revents != 0 {
                let capture = entry.fd == out[0]
                let open = capture ? stdout.read(from: entry.fd) : stderr.read(from: entry.fd)
                if !open { openFDs.removeAll { $0 == entry.fd } }
            }
            if exitedAt == nil {
                if waitpid(pid, &status, WNOHANG) == pid {
                    exitedAt = clock.now
                    termination = timedOut ? .timedOut : Self.decode(status)
                    if timedOut { kill(-pid, SIGKILL) }   // leftovers of a killed group go too
                }
            }
        }
        for fd in [out[0], err[0]] { close(fd) }
        if pidfd >= 0 { close(pidfd) }
        return Outcome(termination: termination ?? .timedOut, stdout: stdout.bytes, stderr: stderr.bytes,
                       stdoutDropped: stdout.dropped, stderrDropped: stderr.dropped,
                       elapsed: clock.now - started, pid: pid)
    }

    static func decode(_ status: Int32) -> Termination {
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }

    func failure(_ code: Int32, started: ContinuousClock.Instant, clock: ContinuousClock) -> Outcome {
        Outcome(termination: .spawnFailed(code), stdout: [], stderr: [], stdoutDropped: 0, stderrDropped: 0,
                elapsed: clock.now - started, pid: 0)
    }
}

/// Keeps the first `limit` bytes read from a non-blocking descriptor and counts the rest.
struct Capture {
    let limit: Int
    var bytes: [UInt8] = []
    var dropped = 0
    private var buffer = [UInt8](repeating: 0, count: 65536)

    init(limit: Int) { self.limit = limit }

    /// Reads what is available; returns false at end of file.
    mutating func read(from fd: Int32) -> Bool {
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                let keep = max(0, min(n, limit - bytes.count))
                if keep > 0 { bytes += buffer[0..<keep] }
                dropped += n - keep
                continue
            }
            if n == 0 { return false }
            return errno == EAGAIN || errno == EINTR
        }
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return (pointers + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Starts a detached POSIX thread running `body`.
package enum DedicatedThread {
    final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    package static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 256 * 1024)
        let rc = pthread_create(&thread, &attributes, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        pthread_attr_destroy(&attributes)
        if rc != 0 {
            // No thread to be had: run inline rather than lose the action.
            Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
        }
    }
}
