// SPDX-License-Identifier: GPL-2.0-or-later
import CPacerSys
#if canImport(Glibc)
import Glibc
#endif

/// Runs alert agents, as Pacemaker's executor does: each run once (never retried), in a
/// process group of its own, on threads of their own so an agent never delays the caller.
/// When its timeout passes the group is killed at once (SIGTERM, then SIGKILL after
/// `killGrace`, none by default: Pacemaker sends SIGKILL).
///
/// Guarantees: `submit` never blocks; at most `maxParallel` agents run at once and at most
/// `maxQueued` wait (more are refused, so an event storm cannot grow memory without bound);
/// every accepted job gets exactly one `completion`, on the runner's thread.
public final class AlertRunner: @unchecked Sendable {
    public struct Job: Sendable {
        public var alertID: String
        public var path: String
        public var recipient: String
        public var kind: String
        public var timeout: Duration
        /// `NAME=value` strings set over the inherited environment.
        public var environment: [String]

        public init(alertID: String, path: String, recipient: String, kind: String, timeout: Duration, environment: [String]) {
            self.alertID = alertID
            self.path = path
            self.recipient = recipient
            self.kind = kind
            self.timeout = timeout
            self.environment = environment
        }
    }

    public struct Result: Sendable {
        public var job: Job
        public var termination: ChildProcess.Termination
        public var elapsed: Duration
        /// The agent's last line on stderr (or stdout), for the log.
        public var output: String
        public var succeeded: Bool { termination == .exited(0) }

        /// What happened, in a few words: `ok`, `exit status 3`, `timed out after 2000ms (process group killed)`, ….
        public var summary: String {
            switch termination {
            case .exited(0): return "ok"
            case .exited(let status): return "exit status \(status)"
            case .signaled(let signal): return "killed by signal \(signal)"
            case .timedOut: return "timed out after \(job.timeout.milliseconds)ms (process group killed)"
            case .spawnFailed(let code): return "cannot execute \(job.path): \(String(cString: strerror(code)))"
            }
        }
    }

    public let maxParallel: Int
    public let maxQueued: Int
    private let inherited: [String]
    private let killGrace: Duration
    /// Who agents run as (nil: the daemon's own user).
    public let credentials: ChildProcess.Credentials?
    private var mutex = pthread_mutex_t()
    private var running = 0
    private var queue: [(Job, @Sendable (Result) -> Void)] = []

    public init(maxParallel: Int = 8, maxQueued: Int = 256, killGrace: Duration = .zero, inherited: [String: String]? = nil,
                credentials: ChildProcess.Credentials? = nil) {
        self.credentials = credentials
        self.maxParallel = max(1, maxParallel)
        self.maxQueued = max(0, maxQueued)
        self.killGrace = killGrace
        self.inherited = (inherited ?? Executor.processEnvironment()).map { "\($0.key)=\($0.value)" }
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    /// Number of jobs running or waiting.
    public var pending: Int {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return running + queue.count
    }

    /// Starts `job` (or queues it); false when the queue is full and the job was dropped.
    @discardableResult
    public func submit(_ job: Job, completion: @escaping @Sendable (Result) -> Void) -> Bool {
        pthread_mutex_lock(&mutex)
        if running >= maxParallel {
            guard queue.count < maxQueued else {
                pthread_mutex_unlock(&mutex)
                return false
            }
            queue.append((job, completion))
            pthread_mutex_unlock(&mutex)
            return true
        }
        running += 1
        pthread_mutex_unlock(&mutex)
        DedicatedThread.start { [self] in work(job, completion) }
        return true
    }

    private func work(_ first: Job, _ firstCompletion: @escaping @Sendable (Result) -> Void) {
        var next: (Job, @Sendable (Result) -> Void)? = (first, firstCompletion)
        while let (job, completion) = next {
            completion(runBlocking(job))
            pthread_mutex_lock(&mutex)
            if queue.isEmpty {
                running -= 1
                next = nil
            } else {
                next = queue.removeFirst()
            }
            pthread_mutex_unlock(&mutex)
        }
    }

    /// Runs one job on the calling thread.
    public func runBlocking(_ job: Job) -> Result {
        let names = Set(job.environment.map { $0.prefix { $0 != "=" } })
        let environment = inherited.filter { !names.contains($0.prefix { $0 != "=" }) } + job.environment
        var child = ChildProcess(path: job.path, arguments: [], environment: environment, timeout: job.timeout)
        child.killGrace = killGrace
        child.limit = 4096
        child.credentials = credentials
        let outcome = child.runBlocking()
        let text = String(decoding: outcome.stderr.isEmpty ? outcome.stdout : outcome.stderr, as: UTF8.self)
        let last = text.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        return Result(job: job, termination: outcome.termination, elapsed: outcome.elapsed, output: String(last.prefix(200)))
    }
}
