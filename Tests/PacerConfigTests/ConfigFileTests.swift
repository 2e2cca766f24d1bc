// SPDX-License-Identifier: GPL-2.0-or-later
import Foundation
import PacerConfig
import Testing
import PacerTestKit

/// `ClusterConfig.load(path:)`: what pacerd reads, and the file checks it makes first.
@Suite("cluster configuration file on disk")
struct ConfigFileTests {
    func scratch() throws -> String { try Tool.scratchDirectory("conf") }

    func write(_ dir: String, mode: mode_t = 0o644, _ text: String = ClusterConfigTests.good) throws -> String {
        let path = "\(dir)/pacer.conf"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode)
        return path
    }

    @Test("a 0644 file owned by root (or the running user) loads")
    func goodFileLoads() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try write(dir)
        #expect(try ClusterConfig.load(path: path) == ClusterConfig.parse(ClusterConfigTests.good))
        #expect(throws: ConfigFileError.missing(path: "\(dir)/nope")) { try ClusterConfig.load(path: "\(dir)/nope") }
    }

    @Test("a file others or the group can write is refused, naming the file and mode")
    func writableByOthers() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try write(dir, mode: 0o666)
        #expect(throws: ConfigFileError.writableByOthers(path: path, mode: 0o666)) { try ClusterConfig.load(path: path) }
        chmod(path, 0o664)
        #expect(throws: ConfigFileError.writableByOthers(path: path, mode: 0o664)) { try ClusterConfig.load(path: path) }
        #expect(ConfigFileError.writableByOthers(path: path, mode: 0o664).description.contains("\(path) has mode 664"))
    }

    @Test("a file owned by another user is refused")
    func foreignOwner() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try write(dir)
        #expect(chown(path, 65534, 65534) == 0)
        #expect(throws: ConfigFileError.wrongOwner(path: path, uid: 65534)) { try ClusterConfig.load(path: path) }
    }

    @Test("a FIFO or a symlink is refused at once")
    func notARegularFile() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = "\(dir)/fifo.conf"
        #expect(mkfifo(fifo, 0o644) == 0)
        let outcome = withTimeout(seconds: 5, unblocking: fifo) { () -> ConfigFileError? in
            do { _ = try ClusterConfig.load(path: fifo); return nil } catch { return error as? ConfigFileError }
        }
        #expect(outcome == .some(.notRegularFile(path: fifo, kind: "a FIFO")))
        let real = try write(dir), link = "\(dir)/link.conf"
        #expect(symlink(real, link) == 0)
        #expect(throws: ConfigFileError.notRegularFile(path: link, kind: "a symbolic link")) { try ClusterConfig.load(path: link) }
    }

    @Test("parse errors come back with the file's path")
    func parseErrors() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try write(dir, "[cluster]\nname = x\nintervall = 5\n")
        #expect {
            try ClusterConfig.load(path: path)
        } throws: { error in
            guard case .invalid(let where_, let errors) = error as? ConfigFileError else { return false }
            return where_ == path && errors.errors.contains { $0.line == 3 }
        }
    }
}

