// SPDX-License-Identifier: GPL-2.0-or-later
import PacerCrmSyntax
import PacerModel
#if canImport(Glibc)
import Glibc
#endif

/// `pacer configure edit [--force] [ID…]` (crmsh's `configure edit`): the crm text of those
/// objects, or of the whole configuration, in `$VISUAL`/`$EDITOR`; the result is applied
/// atomically against the version it was read at.
///
/// * The CIB moved on while the editor was open: refused, both versions named, nothing applied.
/// * The text does not parse or refers to nothing: refused with its file and line, nothing applied.
/// * Either way the edited text is kept in its file, so no work is lost.
/// * Objects deleted from the text are deleted (with `--force`, running resources too).
struct ConfigureEdit {
    var cib: CIBOptions

    func run(_ arguments: [String]) {
        let force = arguments.contains("--force")
        let ids = arguments.filter { $0 != "--force" }
        let target = cib.resolve()
        var live = false
        if case .daemon = target { live = true }
        let root = ResourceCommand.load(cib)
        let base = CIBVersion(of: root)
        let configuration = root.firstElement(named: "configuration")
        for id in ids where configuration?.path(toID: id) == nil {
            fail("configure edit: object \(id) does not exist", code: 105)
        }
        var original = CrmShow.render(root, ids: ids)
        if !original.hasSuffix("\n") { original += "\n" }   // a text file, as editors expect
        let path = Self.writeTemporary(original)
        let command = "\(Self.editor) '\(path)'"
        let status = system(command)
        guard status == 0 else {
            fail("configure edit: the editor (\(Self.editor)) failed (status \(status)); nothing was changed; the text is in \(path)", code: 1)
        }
        guard let edited = Self.read(path) else { fail("configure edit: cannot read \(path) back", code: 66) }
        if edited == original {
            unlink(path)
            return
        }
        let kept = "nothing was changed; your edit is kept in \(path)"
        do {
            let removed = try CrmLoad.objectKeys(in: original).subtracting(try CrmLoad.objectKeys(in: edited))
            try target.update { (root: inout XMLElement) throws in
                let now = CIBVersion(of: root)
                guard now.adminEpoch == base.adminEpoch && now.epoch == base.epoch else {
                    throw CLIFailure("configure edit: the configuration changed while it was edited (read at "
                                     + "\(base.adminEpoch).\(base.epoch), now \(now.adminEpoch).\(now.epoch)); \(kept)", code: 1)
                }
                root = try CrmLoad.apply(ids.isEmpty ? .replace : .update, text: edited, to: root, liveCluster: live,
                                         force: force, removing: removed)
            }
        } catch let error as CrmError {
            let place = error.line > 0 ? "\(path):\(error.line): " : ""
            fail("configure edit: \(place)\(error.message); \(kept)", code: error.exitCode)
        } catch let error as CLIFailure {
            fail(error.description, code: error.code)
        } catch {
            fail("configure edit: \(error); \(kept)", code: 1)
        }
        unlink(path)
    }

    static var editor: String {
        for name in ["VISUAL", "EDITOR"] {
            if let value = getenv(name), value.pointee != 0 { return String(cString: value) }
        }
        return "vi"
    }

    /// A new private file (0600) under $TMPDIR holding `text`.
    static func writeTemporary(_ text: String) -> String {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(directory)/pacer-edit-XXXXXX.crm".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 4) }
        guard fd >= 0 else { fail("configure edit: cannot create a file in \(directory): \(String(cString: strerror(errno)))", code: 73) }
        defer { close(fd) }
        let path = String(cString: template)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { fail("configure edit: cannot write \(path): \(String(cString: strerror(errno)))", code: 74) }
            written += n
        }
        return path
    }

    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
