#if canImport(Glibc)
import Glibc
#endif

/// Knows which processes belong to which resource, so the death of a resource's daemon
/// is noticed at once instead of at the next monitor.
///
/// Every action of a resource runs in a cgroup (v2) of its own under this daemon's cgroup,
/// `pacer.<scope>/<resource>`; whatever the agent leaves running (HAProxy, double-forked
/// or not) stays in it. After a start or monitor that succeeded with processes left in the
/// cgroup, the resource is *armed*: when its cgroup becomes empty (the kernel's
/// `cgroup.events` says `populated 0`), `onEmpty` is called once with the resource's id.
/// A stop disarms it first. Without a writable cgroup2 hierarchy, `init` returns nil and
/// resources are watched by their monitors only.
public final class ResourceProcesses: @unchecked Sendable {
    /// The directory holding one cgroup per resource.
    public let directory: String
    private let onEmpty: @Sendable (String) -> Void
    private let inotify: Int32
    private let lock = Lock()
    private var procsFDs: [String: Int32] = [:]
    private var watches: [Int32: String] = [:]
    private var armed = Set<String>()

    /// Creates `pacer.<scope>` beside this process's own cgroup, or returns nil when
    /// cgroup2 is not mounted writable here.
    public init?(scope: String, onEmpty: @escaping @Sendable (String) -> Void) {
        guard let root = Self.ownCgroupDirectory() else { return nil }
        let directory = root + "/pacer." + Self.safeName(scope)
        guard mkdir(directory, 0o755) == 0 || errno == EEXIST, access(directory + "/cgroup.procs", W_OK) == 0 else { return nil }
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.directory = directory
        self.inotify = fd
        self.onEmpty = onEmpty
        let thread = Thread { [self] in self.readEvents() }
        thread.start()
    }

    /// An open `cgroup.procs` of `resource`'s cgroup (created on first use), or -1.
    public func procsFD(for resource: String) -> Int32 {
        lock.withLock {
            if let fd = procsFDs[resource] { return fd }
            let path = directory + "/" + Self.safeName(resource)
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else { return -1 }
            let fd = open(path + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { return -1 }
            procsFDs[resource] = fd
            let wd = inotify_add_watch(inotify, path + "/cgroup.events", UInt32(IN_MODIFY))
            if wd >= 0 { watches[wd] = resource }
            return fd
        }
    }

    /// Whether any process is left in `resource`'s cgroup.
    public func isPopulated(_ resource: String) -> Bool {
        let path = directory + "/" + Self.safeName(resource) + "/cgroup.events"
        guard let text = Self.read(path) else { return false }
        return text.split(separator: "\n").contains("populated 1")
    }

    /// Watches `resource` if processes are left in its cgroup; returns whether it is armed.
    @discardableResult
    public func arm(_ resource: String) -> Bool {
        guard isPopulated(resource) else { return false }
        lock.withLock { _ = armed.insert(resource) }
        // It may have emptied between the check and the insert: look once more.
        if !isPopulated(resource) { fire(resource) }
        return true
    }

    /// Stops watching `resource` (before a stop, which empties its cgroup on purpose).
    public func disarm(_ resource: String) {
        lock.withLock { _ = armed.remove(resource) }
    }

    /// Removes the cgroups left empty (at shutdown).
    public func removeEmpty() {
        lock.withLock {
            for (resource, fd) in procsFDs {
                close(fd)
                rmdir(directory + "/" + Self.safeName(resource))
            }
            procsFDs.removeAll()
            armed.removeAll()
        }
        rmdir(directory)
    }

    private func fire(_ resource: String) {
        let wasArmed = lock.withLock { armed.remove(resource) != nil }
        if wasArmed { onEmpty(resource) }
    }

    private func readEvents() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            var offset = 0
            var changed = Set<String>()
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (wd, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, event.len)
                }
                if let resource = lock.withLock({ watches[wd] }) { changed.insert(resource) }
                offset += MemoryLayout<inotify_event>.size + Int(length)
            }
            for resource in changed.sorted() where !isPopulated(resource) { fire(resource) }
        }
    }

    /// This process's cgroup2 directory (`<mount point><path from /proc/self/cgroup>`), if any.
    static func ownCgroupDirectory() -> String? {
        guard let mounts = read("/proc/self/mountinfo"), let cgroups = read("/proc/self/cgroup") else { return nil }
        // mountinfo: "id parent major:minor root mountpoint options … - fstype source superoptions"
        let mountPoint = mounts.split(separator: "\n").lazy.compactMap { line -> String? in
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2, halves[1].hasPrefix("cgroup2 ") else { return nil }
            let fields = halves[0].split(separator: " ")
            return fields.count > 4 ? String(fields[4]) : nil
        }.first
        let own = cgroups.split(separator: "\n").first { $0.hasPrefix("0::") }.map { String($0.dropFirst(3)) }
        guard let mountPoint, let own else { return nil }
        return own == "/" ? mountPoint : mountPoint + own
    }

    static func safeName(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
    }

    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
