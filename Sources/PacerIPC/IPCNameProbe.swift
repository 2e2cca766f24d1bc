// SPDX-License-Identifier: GPL-2.0-or-later
import Glibc

/// Whether another process already serves an IPC name (libqb's abstract socket `\0NAME`).
///
/// Asked before libqb is: when its bind fails, `qb_ipcs_run` closes its socket and then closes
/// the same number again (`qb_ipcs_us_publish`, then `qb_ipcs_us_withdraw`), so in a process
/// with other threads the second close can hit a descriptor opened meanwhile elsewhere (an
/// agent's pipe, a peer socket). Only a server taking the name between this check and libqb's
/// bind (a second daemon starting at that very moment) can still lead libqb there.
enum IPCNameProbe {
    static func inUse(_ name: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        // As libqb writes it: a NUL, then the name (cut to fit, NUL-terminated), zeros after.
        let bytes = Array(name.utf8.prefix(MemoryLayout.size(ofValue: address.sun_path) - 2))
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in bytes.enumerated() { path[index + 1] = byte }
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return rc != 0 && errno == EADDRINUSE
    }
}
