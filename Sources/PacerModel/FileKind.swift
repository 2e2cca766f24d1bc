// SPDX-License-Identifier: GPL-2.0-or-later
package import Glibc

/// What a file of `mode` (from `stat`/`lstat`) is, for an error that refuses anything but a
/// regular file: "a directory", "a symbolic link", … The CIB store, `pacer.conf` and the
/// authkey refuse the same things in the same words.
package func fileKindDescription(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFIFO: return "a FIFO"
    case S_IFDIR: return "a directory"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFSOCK: return "a socket"
    case S_IFLNK: return "a symbolic link"
    default: return "not a regular file"
    }
}
