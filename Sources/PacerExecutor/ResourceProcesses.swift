// SPDX-License-Identifier: GPL-2.0-or-later
import CPacerSys
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Knows which processes belong to which resource, so the death of a resource's daemon
/// is noticed at once instead of at the next monitor.
///
/// Every action of a resource runs in a cgroup (v2) of its own under this daemon's cgroup,
/// `pacer.<scope>/<resource>`; whatever the agent leaves running (HAProxy, double-forked
/// or not) stays in it. After a start or monitor that succeeded with processes left in the
/// cgroup, the resource is *armed*: when its cgroup becomes empty (the kernel's
/// `cgroup.events` says `populated 0`), the `onEmpty` handlers are called once with the
/// resource's id (the executor's runs the resource's recurring monitors at once).
/// A stop disarms it first. Without a writable cgroup2 hierarchy, `init` returns nil and
/// resources are watched by their monitors only.
public final class ResourceProcesses: Sendable {
    /// The directory holding one cgroup per resource.
    public let directory: String
    private let inotify: Int32
    private struct State {
        var handlers: [@Sendable (String) -> Void] = []
        var procsFDs: [String: Int32] = [:]
        var watches: [Int32: String] = [:]
        var armed = Set<String>()
    }
    private let state = Mutex(State())

    /// Creates `pacer.<scope>` beside this process's own cgroup, or returns nil when
    /// cgroup2 is not mounted writable here.
    public init?(scope: String) {
        guard let directory = Self.directory(scope: scope) else { return nil }
        guard mkdir(directory, 0o755) == 0 || errno == EEXIST, access(directory + "/cgroup.procs", W_OK) == 0 else { return nil }
        let fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.directory = directory
        self.inotify = fd
        DedicatedThread.start { [self] in self.readEvents() }
    }

    /// Adds a handler called (on a thread of this object's) when an armed resource's processes are all gone.
    public func onEmpty(_ handler: @escaping @Sendable (String) -> Void) {
        state.withLock { $0.handlers.append(handler) }
    }

    /// An open `cgroup.procs` of `resource`'s cgroup (created on first use), or -1.
    public func procsFD(for resource: String) -> Int32 {
        state.withLock { state in
            if let fd = state.procsFDs[resource] { return fd }
            let path = directory + "/" + Self.safeName(resource)
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else { return -1 }
            let fd = open(path + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { return -1 }
            state.procsFDs[resource] = fd
            let wd = inotify_add_watch(inotify, path + "/cgroup.events", UInt32(IN_MODIFY))
            if wd >= 0 { state.watches[wd] = resource }
            return fd
        }
    }

    /// Whether any process is left in `resource`'s cgroup.
    public func isPopulated(_ resource: String) -> Bool {
        let path = directory + "/" + Self.safeName(resource) + "/cgroup.events"
        guard let text = Self.contents(of: path) else { return false }
        return text.split(separator: "\n").contains("populated 1")
    }

    /// Watches `resource` if processes are left in its cgroup; returns whether it is armed.
    @discardableResult
    public func arm(_ resource: String) -> Bool {
        guard isPopulated(resource) else { return false }
        state.withLock { _ = $0.armed.insert(resource) }
        // It may have emptied between the check and the insert: look once more.
        if !isPopulated(resource) { fire(resource) }
        return true
    }

    /// Stops watching `resource` (before a stop, which empties its cgroup on purpose).
    public func disarm(_ resource: String) {
        state.withLock { _ = $0.armed.remove(resource) }
    }

    /// Kills every process left in any resource's cgroup (`cgroup.kill`).
    public func killAll() {
        let resources = state.withLock { Array($0.procsFDs.keys) }
        for resource in resources {
            let fd = open(directory + "/" + Self.safeName(resource) + "/cgroup.kill", O_WRONLY | O_CLOEXEC)
            if fd >= 0 {
                _ = write(fd, "1", 1)
                close(fd)
            }
        }
    }

    /// Removes the cgroups left empty (at shutdown).
    public func removeEmpty() {
        state.withLock { state in
            for (resource, fd) in state.procsFDs {
                close(fd)
                rmdir(directory + "/" + Self.safeName(resource))
            }
            state.procsFDs.removeAll()
            state.armed.removeAll()
        }
        rmdir(directory)
    }

    private func fire(_ resource: String) {
        let handlers = state.withLock { $0.armed.remove(resource) != nil ? $0.handlers : [] }
        for handler in handlers { handler(resource) }
    }

    private func readEvents() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(inotify, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            var offset = 0
            var changed = Set<String>()
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (wd, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, event.len)
                }
                if let resource = state.withLock({ $0.watches[wd] }) { changed.insert(resource) }
                offset += MemoryLayout<inotify_event>.size + Int(length)
            }
            for resource in changed.sorted() where !isPopulated(resource) { fire(resource) }
        }
    }

    /// The scope of a daemon keeping its state in `stateDirectory` (two daemons on one
    /// machine, as in tests, never share one): the path with `/` as `_`.
    public static func scope(stateDirectory: String) -> String {
        stateDirectory.split(separator: "/").joined(separator: "_")
    }

    /// The cgroup directory of `scope` (whether it exists or not), if cgroup2 is mounted.
    public static func directory(scope: String) -> String? {
        ownCgroupDirectory().map { $0 + "/pacer." + safeName(scope) }
    }

    /// Removes what a daemon killed without a chance to clean up left of `scope`'s cgroups
    /// (only empty ones can go).
    public static func removeLeftovers(scope: String) {
        guard let directory = directory(scope: scope) else { return }
        let handle = opendir(directory)
        while let handle, let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if entry.pointee.d_type == UInt8(DT_DIR) && name != "." && name != ".." { rmdir(directory + "/" + name) }
        }
        if let handle { closedir(handle) }
        rmdir(directory)
    }

    /// This process's cgroup2 directory (`<mount point><path from /proc/self/cgroup>`), if any.
    ///
    /// `ip netns exec` (tests, the demo) runs the daemon in a mount namespace of its own with
    /// a fresh /sys and no cgroup mount; there (or when init's namespace cannot be compared)
    /// the hierarchy is mounted on /run/pacer/cgroup2. A host running systemd always has it.
    static func ownCgroupDirectory() -> String? {
        guard let cgroups = contents(of: "/proc/self/cgroup"),
              let own = cgroups.split(separator: "\n").first(where: { $0.hasPrefix("0::") }).map({ String($0.dropFirst(3)) })
        else { return nil }
        var mountPoint = cgroup2MountPoint()
        if mountPoint == nil, privateMountNamespace() {
            mkdir("/run/pacer", 0o755)
            if pacer_mount_cgroup2("/run/pacer/cgroup2") == 0 { mountPoint = cgroup2MountPoint() }
        }
        guard let mountPoint else { return nil }
        return own == "/" ? mountPoint : mountPoint + own
    }

    /// Where cgroup2 is mounted in this mount namespace.
    static func cgroup2MountPoint() -> String? {
        guard let mounts = contents(of: "/proc/self/mountinfo") else { return nil }
        // mountinfo: "id parent major:minor root mountpoint options … - fstype source superoptions"
        return mounts.split(separator: "\n").lazy.compactMap { line -> String? in
            guard let dash = line.firstRange(of: " - "), line[dash.upperBound...].hasPrefix("cgroup2 ") else { return nil }
            let fields = line[..<dash.lowerBound].split(separator: " ")
            return fields.count > 4 ? String(fields[4]) : nil
        }.first
    }

    /// Whether this process's mount namespace may differ from init's (mounts made here stay
    /// here): it does, or init's cannot be looked at (a sandbox hiding pid 1).
    static func privateMountNamespace() -> Bool {
        var own = stat(), initial = stat()
        guard stat("/proc/self/ns/mnt", &own) == 0 else { return false }
        guard stat("/proc/1/ns/mnt", &initial) == 0 else { return true }
        return own.st_ino != initial.st_ino || own.st_dev != initial.st_dev
    }

    static func safeName(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
    }

    static func contents(of path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
