// SPDX-License-Identifier: GPL-2.0-or-later
#if canImport(Glibc)
import Glibc
import PacerModel
#endif

/// Why `ClusterConfig.load(path:)` refused a file; each case names it.
public enum ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case notRegularFile(path: String, kind: String)
    case wrongOwner(path: String, uid: UInt32)
    case writableByOthers(path: String, mode: UInt32)
    case invalid(path: String, ConfigErrors)

    public var description: String {
        switch self {
        case .missing(let path): return "\(path) does not exist; create it with 'pacer cluster init'"
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .notRegularFile(let path, let kind): return "\(path) is \(kind), not a regular file"
        case .wrongOwner(let path, let uid): return "\(path) is owned by uid \(uid); it must be owned by \(ownerWanted) (chown root \(path))"
        case .writableByOthers(let path, let mode):
            return "\(path) has mode \(String(mode, radix: 8)); refusing a configuration others can change (chmod go-w \(path))"
        case .invalid(let path, let errors): return errors.errors.map { "\(path):\($0.line): \($0.message)" }.joined(separator: "\n")
        }
    }

    /// Exit status as Pacemaker's `results.h`: 66 missing input, 78 bad configuration, 1 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .missing: return 66
        case .invalid, .notRegularFile, .wrongOwner, .writableByOthers: return 78
        case .unreadable: return 1
        }
    }

    private var ownerWanted: String { geteuid() == 0 ? "root" : "root or uid \(geteuid()) (who runs this)" }
}

extension ClusterConfig {
    /// Reads and parses `path` (what pacerd does at start). The file must be a regular file
    /// (not a symlink; a FIFO is refused, not waited on) owned by root (or by whoever runs
    /// this) that neither its group nor others can write: it names the authkey and the
    /// state directory, so whoever can change it can point the daemon elsewhere.
    public static func load(path: String = defaultPath) throws(ConfigFileError) -> ClusterConfig {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw .missing(path: path) }
            var info = stat()
            if code == ELOOP || code == ENXIO, lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                throw .notRegularFile(path: path, kind: fileKindDescription(info.st_mode))
            }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile(path: path, kind: fileKindDescription(info.st_mode)) }
        guard info.st_uid == 0 || info.st_uid == geteuid() else { throw .wrongOwner(path: path, uid: info.st_uid) }
        guard info.st_mode & 0o022 == 0 else { throw .writableByOthers(path: path, mode: UInt32(info.st_mode & 0o777)) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        do { return try parse(String(decoding: bytes, as: UTF8.self)) } catch { throw .invalid(path: path, error) }
    }
}
