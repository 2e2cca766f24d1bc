// SPDX-License-Identifier: GPL-2.0-or-later
import PacerCIB
import PacerModel
#if canImport(Glibc)
import Glibc
#endif

/// Shadow CIBs, as crmsh's `cib new/use/commit` and Pacemaker's `crm_shadow` keep them: a
/// copy of the live CIB in `shadow.NAME` that commands change instead of the cluster until
/// it is committed.
///
/// The directory is `$PACER_SHADOW_DIR`, else `/var/lib/pacer/shadow` (mode 0700: shadows hold
/// the CIB's secrets). Beside each shadow, `shadow.NAME.base` records the live CIB's version
/// it was taken from, so a commit can refuse when the cluster moved on meanwhile. Which shadow
/// commands use: `$CIB_shadow` (as Pacemaker's tools), else the one chosen with
/// `pacer cib use NAME` (remembered per user in `.use.UID`), else none (the live cluster).
struct ShadowCIB {
    let name: String

    static var directory: String {
        if let env = getenv("PACER_SHADOW_DIR"), env.pointee != 0 { return String(cString: env) }
        return "/var/lib/pacer/shadow"
    }

    var path: String { "\(Self.directory)/shadow.\(name)" }
    var basePath: String { "\(path).base" }
    var file: CIBFile { CIBFile(path: path, backups: 0) }
    var exists: Bool { access(path, F_OK) == 0 }

    /// A name crm_shadow would accept: letters, digits, `-`, `_`, `.`, not starting with `.`.
    static func validName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    static func named(_ name: String) throws(CLIFailure) -> ShadowCIB {
        guard validName(name) else { throw CLIFailure("'\(name)' is not a shadow name (letters, digits, '-', '_' and '.')", code: 64) }
        return ShadowCIB(name: name)
    }

    /// The shadow commands work on now, if any.
    static var current: ShadowCIB? {
        if let env = getenv("CIB_shadow"), env.pointee != 0 { return ShadowCIB(name: String(cString: env)) }
        guard let name = try? readSmallFile(selectionPath), let text = String(validating: name, as: UTF8.self) else { return nil }
        let trimmed = text.trimmingCharacters(inWhitespace: ())
        return validName(trimmed) ? ShadowCIB(name: trimmed) : nil
    }

    static var selectionPath: String { "\(directory)/.use.\(getuid())" }

    static func ensureDirectory() throws(CLIFailure) {
        var info = stat()
        if stat(directory, &info) == 0 { return }
        var partial = ""
        for component in directory.split(separator: "/") {
            partial += "/\(component)"
            if mkdir(partial, 0o700) != 0 && errno != EEXIST {
                throw CLIFailure("cannot create \(partial): \(String(cString: strerror(errno)))", code: 73)
            }
        }
    }

    /// Remembers `shadow` (nil: the live cluster) as this user's choice.
    static func select(_ shadow: ShadowCIB?) throws(CLIFailure) {
        guard let shadow else {
            if unlink(selectionPath) != 0 && errno != ENOENT { throw CLIFailure("cannot remove \(selectionPath): \(String(cString: strerror(errno)))", code: 73) }
            return
        }
        try ensureDirectory()
        let temp = "\(selectionPath).tmp"
        unlink(temp)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIFailure("cannot write \(temp): \(String(cString: strerror(errno)))", code: 73) }
        let bytes = Array((shadow.name + "\n").utf8)
        let written = write(fd, bytes, bytes.count)
        close(fd)
        guard written == bytes.count, rename(temp, selectionPath) == 0 else {
            unlink(temp)
            throw CLIFailure("cannot write \(selectionPath)", code: 73)
        }
    }

    /// Every shadow in the directory, by name.
    static func all() -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("shadow."), !name.hasSuffix(".base"), !name.contains(".tmp") { names.append(String(name.dropFirst(7))) }
        }
        return names.sorted()
    }

    /// The live version the shadow was taken from (`admin_epoch.epoch`), if recorded.
    var base: String? {
        guard let bytes = try? Self.readSmallFile(basePath), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return text.trimmingCharacters(inWhitespace: ())
    }

    func recordBase(_ version: CIBVersion) throws(CLIFailure) {
        let fd = open(basePath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIFailure("cannot write \(basePath): \(String(cString: strerror(errno)))", code: 73) }
        let bytes = Array("\(version.adminEpoch).\(version.epoch)\n".utf8)
        _ = write(fd, bytes, bytes.count)
        close(fd)
    }

    static func readSmallFile(_ path: String) throws(CLIFailure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw CLIFailure("cannot read \(path)", code: 66) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = read(fd, &buffer, buffer.count)
        guard n >= 0 else { throw CLIFailure("cannot read \(path)", code: 66) }
        return Array(buffer[0..<n])
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines (no Foundation here).
    func trimmingCharacters(inWhitespace _: Void) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
