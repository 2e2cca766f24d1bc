// SPDX-License-Identifier: GPL-2.0-or-later
#if canImport(Glibc)
import Glibc
#endif
public import PacerModel
import PacerXML

/// A CIB kept in one XML file, as `CIB_file=` names it.
///
/// Guarantees: a file that cannot be parsed is never overwritten; every write is
/// temp file, fsync, rename, fsync of the directory, so a reader sees the old or the
/// new CIB and never a torn one; the previous `backups` versions are kept beside it
/// as `FILE.1` (newest) … `FILE.N`; updates are serialised by an exclusive `flock`
/// on the containing directory. A write keeps the file's mode, owner and group (a new
/// file is 0600); its temp file is created O_EXCL | O_NOFOLLOW, so nothing planted in
/// the directory is written through; temp files of writers that died are removed by the
/// next write. Only regular files are read (a FIFO is refused, not waited on).
public struct CIBFile: Sendable {
    public let path: String
    public var backups: Int

    public init(path: String, backups: Int = 5) {
        self.path = path
        self.backups = backups
    }

    /// Reads and parses the file.
    /// - Throws: `CIBError` naming the file (and line/column for parse errors).
    public func load() throws(CIBError) -> XMLElement {
        let bytes = try readBytes()
        let root: XMLElement
        do { root = try XMLParser.parse(bytes: bytes) } catch { throw .malformed(path: path, error) }
        guard root.name == "cib" else { throw .notACIB(path: path, root: root.name) }
        return root
    }

    /// Writes `cib` atomically, rotating backups of the current file first.
    public func save(_ cib: XMLElement) throws(CIBError) {
        try writeAtomically(text: cib.serialized())
    }

    /// The outcome of `update(_:)`.
    public typealias Change = CIBVersion.ChangeKind

    /// Loads, applies `body`, and writes back if anything changed, under the directory lock.
    ///
    /// A change to `<configuration>` bumps `epoch` and resets `num_updates` (what
    /// Pacemaker's CIB manager does); a change to anything else bumps `num_updates`.
    /// If `body` throws, nothing is written.
    @discardableResult
    public func update<E: Error>(_ body: (inout XMLElement) throws(E) -> Void) throws -> Change {
        let lock = try DirectoryLock(directoryOf: path)
        defer { lock.release() }
        let before = try load()
        var after = before
        try body(&after)
        let change = CIBVersion.classify(before: before, after: after)
        switch change {
        case .none: return .none
        case .configuration: CIBVersion.bumpEpoch(&after)
        case .status: CIBVersion.bumpNumUpdates(&after)
        }
        try save(after)
        return change
    }

    // MARK: - I/O

    func readBytes() throws(CIBError) -> [UInt8] {
        // O_NONBLOCK: a FIFO in the CIB's place must not hang the reader in open(2).
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw .notFound(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .unreadable(path: path, reason: "not a regular file (\(fileKindDescription(info.st_mode)))")
        }
        // Read straight into an array sized by fstat, then in chunks if the file grew meanwhile.
        var failure: CIBError?
        let expected = max(Int(info.st_size), 0) + 1
        var bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialized in
            while initialized < buffer.count {
                let n = read(fd, buffer.baseAddress! + initialized, buffer.count - initialized)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = .unreadable(path: path, reason: String(cString: strerror(errno)))
                    return
                }
                if n == 0 { return }
                initialized += n
            }
        }
        if let failure { throw failure }
        if bytes.count >= expected {   // filled: the file grew since fstat
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .unreadable(path: path, reason: String(cString: strerror(errno)))
                }
                if n == 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
        }
        return bytes
    }

    func writeAtomically(text: String) throws(CIBError) {
        let directory = Self.directory(of: path)
        let name = Self.basename(of: path)
        removeStaleTemporaries(directory: directory, name: name)
        let (temp, fd) = try createTemporary(directory: directory, name: name)
        var ok = false
        defer { if !ok { unlink(temp) } }
        if let reason = Self.copyOwnership(of: path, to: fd) {
            close(fd)
            throw .unwritable(path: path, reason: reason)
        }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                throw .unwritable(path: path, reason: reason)
            }
            offset += n
        }
        if fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .unwritable(path: path, reason: reason)
        }
        close(fd)
        rotateBackups()
        if rename(temp, path) != 0 { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
        ok = true
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }

    /// Creates this writer's temp file, `.NAME.tmp.PID` (or `.NAME.tmp.PID.RANDOM` when that
    /// name is taken: another thread of this process writing, or something planted there).
    /// O_EXCL | O_NOFOLLOW: never opens what is already there, a symlink least of all.
    func createTemporary(directory: String, name: String) throws(CIBError) -> (path: String, fd: Int32) {
        let stem = "\(directory)/.\(name).tmp.\(getpid())"
        var random = SystemRandomNumberGenerator()
        for attempt in 0..<16 {
            let temp = attempt == 0 ? stem : "\(stem).\(String(random.next() as UInt32, radix: 16))"
            let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 { return (temp, fd) }
            if errno != EEXIST { throw .unwritable(path: path, reason: "cannot create \(temp): \(String(cString: strerror(errno)))") }
        }
        throw .unwritable(path: path, reason: "cannot create a temporary file in \(directory): every name tried exists")
    }

    /// Removes the temp files of this CIB left by writers that died mid-write (SIGKILL, power
    /// loss). `save` does not take the directory lock (the daemon, `pacer cib new`), so another
    /// writer may be busy with its own temp file: only those whose PID no longer exists go.
    func removeStaleTemporaries(directory: String, name: String) {
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        let prefix = ".\(name).tmp."
        var stale: [String] = []
        while let entry = readdir(stream) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            guard entryName.hasPrefix(prefix), let pid = Self.writerPID(temporaryName: entryName.dropFirst(prefix.count)),
                  pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            stale.append(entryName)
        }
        for entry in stale { unlinkat(dirfd(stream), entry, 0) }
    }

    /// The PID in a temp file name's tail: `PID` or `PID.HEX`; nil for anything else.
    static func writerPID(temporaryName tail: Substring) -> pid_t? {
        let parts = tail.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let digits = parts.first, !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let pid = pid_t(digits), pid > 0 else { return nil }
        if parts.count == 2 { guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return nil } }
        return pid
    }

    /// Gives `fd` the mode, owner and group of the regular file at `original` (the file it
    /// replaces), or mode 0600 when there is none: the CIB holds resource passwords, and a
    /// replacement must never be readable by more than the file it replaces. Owner and group
    /// need root; a group that cannot be kept takes the group bits away. Returns why not, or nil.
    static func copyOwnership(of original: String, to fd: Int32) -> String? {
        var info = stat()
        guard stat(original, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return fchmod(fd, 0o600) == 0 ? nil : String(cString: strerror(errno))
        }
        var mode = info.st_mode & 0o777
        if geteuid() == 0 {
            if fchown(fd, info.st_uid, info.st_gid) != 0 { return "cannot give the new file owner \(info.st_uid):\(info.st_gid): \(String(cString: strerror(errno)))" }
        } else if info.st_gid != getegid(), fchown(fd, uid_t.max, info.st_gid) != 0 {
            mode &= ~0o070
        }
        return fchmod(fd, mode) == 0 ? nil : String(cString: strerror(errno))
    }

    /// Keeps the current file as `FILE.1`, shifting older ones up to `FILE.N`.
    func rotateBackups() {
        guard backups > 0, access(path, F_OK) == 0 else { return }
        unlink("\(path).\(backups)")
        var index = backups - 1
        while index >= 1 {
            rename("\(path).\(index)", "\(path).\(index + 1)")
            index -= 1
        }
        // A hard link keeps the old inode as the backup while rename() installs the new one.
        if link(path, "\(path).1") != 0 { _ = copyFile(from: path, to: "\(path).1") }
    }

    /// The fallback where hard links fail: a fresh file (never one already there) with the source's mode and owner.
    private func copyFile(from source: String, to destination: String) -> Bool {
        guard let bytes = try? CIBFile(path: source).readBytes() else { return false }
        unlink(destination)
        let fd = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard Self.copyOwnership(of: source, to: fd) == nil else { unlink(destination); return false }
        return bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func basename(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// An exclusive advisory lock on a directory, held while a CIB file in it is updated.
struct DirectoryLock {
    private let fd: Int32

    init(directoryOf path: String) throws(CIBError) {
        let directory = CIBFile.directory(of: path)
        fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 && errno == ENOENT { throw .notFound(path: path) }
        guard fd >= 0 else { throw .unwritable(path: path, reason: "cannot open directory \(directory): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .unwritable(path: path, reason: "cannot lock directory \(directory): \(reason)")
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
