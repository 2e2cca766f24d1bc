// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerCIB
import PacerModel
import PacerXML
import Testing
import PacerTestKit

@Suite("CIB file store")
struct CIBFileTests {
    func scratch() throws -> String { try Tool.scratchDirectory("cibfile") }

    func property(_ cib: inout XMLElement, _ name: String, _ value: String) {
        cib.withChild(named: "configuration") { configuration in
            configuration.withChild(named: "crm_config") { config in
                config.append(XMLElement("cluster_property_set", [("id", "set-\(name)")], elements: [
                    XMLElement("nvpair", [("id", "set-\(name)-\(name)"), ("name", name), ("value", value)]),
                ]))
            }
        }
    }

    @Test("a configuration change bumps epoch and resets num_updates")
    func configurationChangeBumpsEpoch() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = CIBFile(path: "\(dir)/cib.xml")
        var cib = EmptyCIB.make()
        cib["num_updates"] = "7"
        try file.save(cib)
        let change = try file.update { (root: inout XMLElement) in property(&root, "a", "1") }
        #expect(change == .configuration)
        let after = try file.load()
        #expect(after["epoch"] == "2")
        #expect(after["num_updates"] == "0")
    }

    @Test("a status change bumps num_updates only")
    func statusChangeBumpsNumUpdates() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = CIBFile(path: "\(dir)/cib.xml")
        try file.save(EmptyCIB.make())
        let change = try file.update { (root: inout XMLElement) in
            root.withChild(named: "status") { $0.append(XMLElement("node_state", [("id", "1"), ("uname", "n1")])) }
        }
        #expect(change == .status)
        let after = try file.load()
        #expect(after["epoch"] == "1")
        #expect(after["num_updates"] == "1")
    }

    @Test("no change writes nothing")
    func noChangeNoWrite() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = CIBFile(path: "\(dir)/cib.xml")
        try file.save(EmptyCIB.make())
        let change = try file.update { (_: inout XMLElement) in }
        #expect(change == .none)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/cib.xml.1"))
    }

    @Test("the last N versions are kept as FILE.1 … FILE.N")
    func backupsRotate() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = CIBFile(path: "\(dir)/cib.xml", backups: 3)
        try file.save(EmptyCIB.make())
        for index in 1...5 { try file.update { (root: inout XMLElement) in property(&root, "p\(index)", "v") } }
        #expect(try file.load()["epoch"] == "6")
        #expect(try CIBFile(path: "\(dir)/cib.xml.1").load()["epoch"] == "5")
        #expect(try CIBFile(path: "\(dir)/cib.xml.3").load()["epoch"] == "3")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/cib.xml.4"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp.") }
        #expect(leftovers.isEmpty)
    }

    @Test("a malformed file is reported with its position and never overwritten")
    func malformedNeverOverwritten() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/cib.xml"
        let text = "<cib>\n  <configuration>\n  <oops attr=>\n</cib>\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try CIBFile(path: path).update { (root: inout XMLElement) in property(&root, "a", "1") }
        } throws: { error in
            guard case .malformed(let where_, let xml) = error as? CIBError else { return false }
            return where_ == path && xml.line == 3
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test("a document whose root is not <cib> is refused")
    func notACIB() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "<html/>".write(toFile: "\(dir)/x.xml", atomically: true, encoding: .utf8)
        #expect(throws: CIBError.notACIB(path: "\(dir)/x.xml", root: "html")) { try CIBFile(path: "\(dir)/x.xml").load() }
    }

    @Test("concurrent updates from many threads are all kept")
    func concurrentUpdatesSerialize() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = CIBFile(path: "\(dir)/cib.xml", backups: 0)
        try file.save(EmptyCIB.make())
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for step in 0..<10 {
                        _ = try? file.update { (root: inout XMLElement) in property(&root, "w\(worker)s\(step)", "x") }
                    }
                }
            }
        }
        let cib = try file.load()
        #expect(cib["epoch"] == "41")
        #expect(cib.firstElement(named: "configuration")?.firstElement(named: "crm_config")?.elements.count == 40)
    }

    @Test("a symlink planted at the temp file's name is never written through")
    func plantedSymlinkNotFollowed() throws {
        let dir = try scratch(), elsewhere = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: elsewhere) }
        let file = CIBFile(path: "\(dir)/cib.xml", backups: 0)
        try file.save(EmptyCIB.make())
        let victim = "\(elsewhere)/shadow"
        try "root:x:0:\n".write(toFile: victim, atomically: false, encoding: .utf8)
        // The name the writer used to pick: `.cib.xml.tmp.PID`.
        let planted = "\(dir)/.cib.xml.tmp.\(getpid())"
        #expect(symlink(victim, planted) == 0)
        try file.update { (root: inout XMLElement) in property(&root, "a", "1") }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "root:x:0:\n")
        var info = stat()
        #expect(lstat("\(dir)/cib.xml", &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG, "cib.xml must be a regular file")
        #expect(try file.load()["epoch"] == "2")
    }

    @Test("a temp file left by a writer killed mid-write is removed by the next write")
    func staleTempRemoved() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = CIBFile(path: "\(dir)/cib.xml", backups: 0)
        try file.save(EmptyCIB.make())
        // A writer that dies (SIGKILL) halfway through its temp file.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "printf '<cib epoch=\"9\"><configuration>' > .cib.xml.tmp.$$; kill -9 $$"]
        shell.currentDirectoryURL = URL(fileURLWithPath: dir)
        try shell.run()
        shell.waitUntilExit()
        let dead = ".cib.xml.tmp.\(shell.processIdentifier)"
        #expect(FileManager.default.fileExists(atPath: "\(dir)/\(dead)"))
        // Not ours to remove: a live writer's temp file, another CIB's temp file.
        let live = ".cib.xml.tmp.\(getppid())", other = ".other.xml.tmp.\(shell.processIdentifier)"
        for name in [live, other] { try "x".write(toFile: "\(dir)/\(name)", atomically: false, encoding: .utf8) }
        try file.update { (root: inout XMLElement) in property(&root, "a", "1") }
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        #expect(!names.contains(dead), "\(names)")
        #expect(names.contains(live) && names.contains(other), "\(names)")
    }

    func mode(_ path: String) -> (mode: mode_t, uid: uid_t, gid: gid_t) {
        var info = stat()
        guard stat(path, &info) == 0 else { return (0, 0, 0) }
        return (info.st_mode & 0o7777, info.st_uid, info.st_gid)
    }

    @Test("a new CIB file is 0600; a write keeps the file's mode and owner")
    func modeAndOwnerKept() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/cib.xml"
        let file = CIBFile(path: path)
        try file.save(EmptyCIB.make())
        #expect(mode(path).mode == 0o600)
        chmod(path, 0o640)
        try file.update { (root: inout XMLElement) in property(&root, "a", "1") }
        #expect(mode(path).mode == 0o640)
        if geteuid() == 0 {
            #expect(chown(path, 65534, 65534) == 0)
            try file.update { (root: inout XMLElement) in property(&root, "b", "2") }
            #expect(mode(path) == (0o640, 65534, 65534))
        }
    }

    @Test("a FIFO in place of the CIB file is refused at once")
    func fifoRefused() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/cib.xml"
        #expect(mkfifo(path, 0o600) == 0)
        let outcome = withTimeout(seconds: 5, unblocking: path) { () -> String in
            do { _ = try CIBFile(path: path).load(); return "loaded" } catch { return "\(error)" }
        }
        #expect(outcome == "cannot read CIB file \(path): not a regular file (a FIFO)")
    }

    @Test("RelaxNG validation reports the offending element")
    func schemaValidation() throws {
        var cib = EmptyCIB.make()
        #expect(CIBSchema.validate(cib) == .valid(schema: "/usr/share/pacemaker/pacemaker-3.9.rng"))
        cib.withChild(named: "configuration") { $0.withChild(named: "resources") { $0.append(XMLElement("primitive", [("id", "x")])) } }
        guard case .invalid(_, let errors) = CIBSchema.validate(cib) else {
            Issue.record("expected the schema to reject a primitive without class and type")
            return
        }
        #expect(errors.contains { $0.message.contains("primitive") })
    }
}

