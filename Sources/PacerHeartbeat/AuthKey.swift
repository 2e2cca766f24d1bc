#if canImport(Glibc)
import Glibc
#endif

/// The cluster's shared secret (`/etc/pacer/authkey`), as `corosync-keygen` makes one.
///
/// Guarantees: a key readable by group or others is refused (it would let any local
/// user forge heartbeats); a key shorter than 16 bytes is refused.
public struct AuthKey: Sendable {
    public static let size = 256
    let key: [UInt8]

    public init(bytes: [UInt8]) throws(AuthKeyError) {
        guard bytes.count >= 16 else { throw .tooShort(bytes: bytes.count) }
        key = bytes
    }

    /// Reads the key file, checking that only its owner can read it.
    public static func load(path: String) throws(AuthKeyError) -> AuthKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw errno == ENOENT ? .missing(path: path) : .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw .tooOpen(path: path, mode: UInt32(mode)) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        do { return try AuthKey(bytes: Array(bytes[0..<n])) } catch { throw .tooShortFile(path: path, bytes: n) }
    }

    /// Writes a new random key with mode 0600; refuses to replace an existing file unless `force`.
    public static func generate(path: String, force: Bool = false) throws(AuthKeyError) {
        let bytes = HMACSHA256.randomBytes(size)
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL)
        let fd = open(path, flags, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .exists(path: path) }
            throw .unwritable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        fchmod(fd, 0o600)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == size, fsync(fd) == 0 else {
            throw .unwritable(path: path, reason: String(cString: strerror(errno)))
        }
    }
}

public enum AuthKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case tooOpen(path: String, mode: UInt32)
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
        case .tooShort(let bytes): return "an authkey needs at least 16 bytes, this one has \(bytes)"
        case .tooShortFile(let path, let bytes): return "authkey \(path) has \(bytes) bytes; at least 16 are needed"
        case .exists(let path): return "\(path) already exists; use --force to replace it (both nodes need the same key)"
        case .unwritable(let path, let reason): return "cannot write authkey \(path): \(reason)"
        }
    }
}
