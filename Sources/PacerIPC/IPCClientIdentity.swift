// SPDX-License-Identifier: GPL-2.0-or-later
import Glibc

/// Who is on the other end of an IPC connection, from the kernel's `SO_PEERCRED`.
public struct IPCClientIdentity: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// Whether this client may change things: root, or a member of the server's writer group.
    public var mayWrite: Bool

    public init(pid: Int32, uid: UInt32, gid: UInt32, mayWrite: Bool) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.mayWrite = mayWrite
    }
}

extension IPCClientIdentity {
    /// Root may write; so may a client whose primary gid is `writerGroup`'s, or whose user is
    /// listed as a member of it. A group that does not exist means only root may write.
    static func mayWrite(uid: UInt32, gid: UInt32, writerGroup: String) -> Bool {
        if uid == 0 { return true }
        guard let group = lookupGroup(writerGroup) else { return false }
        if gid == group.gid { return true }
        guard let user = lookupUserName(uid: uid) else { return false }
        return group.members.contains(user)
    }

    private static func lookupGroup(_ name: String) -> (gid: UInt32, members: [String])? {
        withLookupBuffer { buffer in
            var entry = group()
            var result: UnsafeMutablePointer<group>?
            let rc = getgrnam_r(name, &entry, buffer.baseAddress!, buffer.count, &result)
            guard rc != ERANGE else { return .retry }
            guard rc == 0, let found = result else { return .done(nil) }
            var members: [String] = []
            if var cursor = found.pointee.gr_mem {
                while let member = cursor.pointee {
                    members.append(String(cString: member))
                    cursor += 1
                }
            }
            return .done((found.pointee.gr_gid, members))
        }
    }

    private static func lookupUserName(uid: UInt32) -> String? {
        withLookupBuffer { buffer in
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            let rc = getpwuid_r(uid, &entry, buffer.baseAddress!, buffer.count, &result)
            guard rc != ERANGE else { return .retry }
            guard rc == 0, let found = result, let name = found.pointee.pw_name else { return .done(nil) }
            return .done(String(cString: name))
        }
    }

    private enum Lookup<T> { case done(T?), retry }

    /// Calls `body` with a scratch buffer for the `get*_r` functions, doubling it on `ERANGE`.
    private static func withLookupBuffer<T>(_ body: (UnsafeMutableBufferPointer<CChar>) -> Lookup<T>) -> T? {
        var size = 1024
        while size <= 1 << 20 {
            let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            switch body(buffer) {
            case .done(let value): return value
            case .retry: size *= 2
            }
        }
        return nil
    }
}
