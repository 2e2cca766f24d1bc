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
/// on the containing directory.
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
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw .notFound(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
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
        return bytes
    }

    func writeAtomically(text: String) throws(CIBError) {
        let directory = Self.directory(of: path)
        let temp = "\(directory)/.\(Self.basename(of: path)).tmp.\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
        var ok = false
        defer { if !ok { unlink(temp) } }
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

    private func copyFile(from source: String, to destination: String) -> Bool {
        guard let bytes = try? CIBFile(path: source).readBytes() else { return false }
        let fd = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
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
