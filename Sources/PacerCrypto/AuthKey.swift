// SPDX-License-Identifier: GPL-2.0-or-later
#if canImport(Glibc)
import Glibc
import PacerModel
#endif

/// The cluster's shared secret (`/etc/pacer/authkey`), as `corosync-keygen` makes one.
///
/// Guarantees: a key readable by group or others is refused (it would let any local
/// user forge heartbeats), and so is one owned by anyone but root (or the user running
/// this), a symlink, or anything but a regular file (a FIFO is refused, not waited on);
/// a key shorter than 16 bytes is refused.
public struct AuthKey: Sendable {
    public static let size = 256
    package let key: [UInt8]

    public init(bytes: [UInt8]) throws(AuthKeyError) {
        guard bytes.count >= 16 else { throw .tooShort(bytes: bytes.count) }
        key = bytes
    }

    /// Reads the key file, checking that it is a regular file (never a symlink, never waited
    /// on like a FIFO), owned by root (or by whoever runs this), that only its owner can read.
    public static func load(path: String) throws(AuthKeyError) -> AuthKey {
        let (fd, info) = try openRegularFile(path, flags: O_RDONLY) { code in
            code == ENOENT ? .missing(path: path) : .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        guard info.st_uid == 0 || info.st_uid == geteuid() else { throw .wrongOwner(path: path, uid: info.st_uid) }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw .tooOpen(path: path, mode: UInt32(mode)) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            count += n
        }
        do { return try AuthKey(bytes: Array(bytes[0..<count])) } catch { throw .tooShortFile(path: path, bytes: count) }
    }

    /// Writes a new random key with mode 0600 (owned by root when root runs this); refuses to replace
    /// an existing file unless `force`, and never writes through a symlink or into a FIFO.
    public static func generate(path: String, force: Bool = false) throws(AuthKeyError) {
        try write(HMACSHA256.randomBytes(size), to: path, force: force)
    }

    /// Writes this key to `path` with mode 0600, as `generate` writes a new one.
    public func write(to path: String, force: Bool = false) throws(AuthKeyError) {
        try Self.write(key, to: path, force: force)
    }

    static func write(_ bytes: [UInt8], to path: String, force: Bool) throws(AuthKeyError) {
        let (fd, info) = try openRegularFile(path, flags: O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL)) { code in
            code == EEXIST ? .exists(path: path) : .unwritable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        if geteuid() == 0, info.st_uid != 0, fchown(fd, 0, getegid()) != 0 {
            throw .unwritable(path: path, reason: "owned by uid \(info.st_uid): \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o600)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count, fsync(fd) == 0 else {
            throw .unwritable(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Opens `path` (mode 0600 if created; never through a symlink, never waiting on a FIFO)
    /// and checks that it is a regular file.
    /// - Parameter failure: the error for an `errno` of open(2) or fstat(2) that is not about
    ///   the kind of file.
    static func openRegularFile(_ path: String, flags: Int32,
                                failure: (Int32) -> AuthKeyError) throws(AuthKeyError) -> (fd: Int32, info: stat) {
        let fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            if let kind = notRegularKind(path, errno: code) { throw .notRegularFile(path: path, kind: kind) }
            throw failure(code)
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw failure(code)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .notRegularFile(path: path, kind: fileKindDescription(info.st_mode))
        }
        return (fd, info)
    }

    /// What an open(2) that failed with `code` met instead of a regular file, if that was the reason.
    static func notRegularKind(_ path: String, errno code: Int32) -> String? {
        var info = stat()
        guard code == ELOOP || code == ENXIO || code == EISDIR, lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG else { return nil }
        return fileKindDescription(info.st_mode)
    }

}

public enum AuthKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case tooOpen(path: String, mode: UInt32)
    case notRegularFile(path: String, kind: String)
    case wrongOwner(path: String, uid: UInt32)
    case tooShort(bytes: Int)
    case tooShortFile(path: String, bytes: Int)
    case exists(path: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path): return "authkey \(path) does not exist; create it with 'pacer keygen' and copy it to the other node"
        case .unreadable(let path, let reason): return "cannot read authkey \(path): \(reason)"
        case .tooOpen(let path, let mode):
            return "authkey \(path) has mode \(String(mode, radix: 8)); refusing a key others can read (chmod 600 \(path))"
        case .notRegularFile(let path, let kind): return "authkey \(path) is \(kind), not a regular file"
        case .wrongOwner(let path, let uid):
            return "authkey \(path) is owned by uid \(uid); it must be owned by \(geteuid() == 0 ? "root" : "root or uid \(geteuid()) (who runs this)") (chown root \(path))"
        case .tooShort(let bytes): return "an authkey needs at least 16 bytes, this one has \(bytes)"
        case .tooShortFile(let path, let bytes): return "authkey \(path) has \(bytes) bytes; at least 16 are needed"
        case .exists(let path): return "\(path) already exists; use --force to replace it (both nodes need the same key)"
        case .unwritable(let path, let reason): return "cannot write authkey \(path): \(reason)"
        }
    }
}
